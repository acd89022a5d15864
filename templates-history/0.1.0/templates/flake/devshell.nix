{
  perSystem =
    { pkgs, ... }:
    {
      # `nix develop`: the tools to work on this repository.
      devShells.default = pkgs.mkShell {
        packages = [
          pkgs.nixfmt
          pkgs.statix
          pkgs.deadnix
          pkgs.nixd
        ];
      };
    };
}
