{ inputs, ... }:
{
  perSystem =
    { system, ... }:
    {
      # Our own pkgs instead of the memoized inputs.nixpkgs.legacyPackages.${system}: that one ignores
      # our overlays and nixpkgs config. Importing nixpkgs again costs a little evaluation time per
      # system; it is the price of allowUnfree and our own packages.
      _module.args.pkgs = import inputs.nixpkgs {
        inherit system;
        config = import ../nixpkgs-config.nix;
        overlays = [ inputs.self.overlays.default ];
      };
    };
}
