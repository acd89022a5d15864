# Machines and users, discovered from their directories: a new hosts/nixos/NAME/ is
# nixosConfigurations.NAME with no second list to keep in step.
{
  inputs,
  lib,
{{#if platforms.home}}
  withSystem,
{{/if}}
  ...
}:
let
  directoriesIn =
    path:
    if builtins.pathExists path then
      builtins.attrNames (lib.filterAttrs (_: type: type == "directory") (builtins.readDir path))
    else
      [ ];

  # The same overlays and nixpkgs config as perSystem pkgs, for every machine.
  nixpkgsSettings = {
    nixpkgs = {
      overlays = [ inputs.self.overlays.default ];
      config = import ../nixpkgs-config.nix;
    };
  };
in
{
{{#if platforms.nixos}}
  flake.nixosConfigurations = lib.genAttrs (directoriesIn ../hosts/nixos) (
    name:
    inputs.nixpkgs.lib.nixosSystem {
      inherit lib;
      specialArgs = { inherit inputs; };
      modules = [
        ../hosts/nixos/${name}
        inputs.self.nixosModules.all
        nixpkgsSettings
        { networking.hostName = lib.mkDefault name; }
      ];
    }
  );

{{/if}}
{{#if platforms.darwin}}
  flake.darwinConfigurations = lib.genAttrs (directoriesIn ../hosts/darwin) (
    name:
    inputs.nix-darwin.lib.darwinSystem {
      inherit lib;
      specialArgs = { inherit inputs; };
      modules = [
        ../hosts/darwin/${name}
        inputs.self.darwinModules.all
        nixpkgsSettings
        { networking.hostName = lib.mkDefault name; }
      ];
    }
  );

{{/if}}
{{#if platforms.home}}
  # Standalone home-manager: `home-manager switch --flake .#USER`. Users are built for
  # {{home_system}}; change homeSystem, or build per user, when that does not fit.
  flake.homeConfigurations =
    let
      homeSystem = "{{home_system}}";
    in
    lib.genAttrs (directoriesIn ../home) (
      user:
      inputs.home-manager.lib.homeManagerConfiguration {
        inherit lib;
        pkgs = withSystem homeSystem ({ pkgs, ... }: pkgs);
        extraSpecialArgs = { inherit inputs; };
        modules = [
          ../home/${user}
          inputs.self.homeManagerModules.all
        ];
      }
    );
{{/if}}
}
