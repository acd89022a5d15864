# Machines and users, discovered from their directories: a new {{dirs.hosts}}/nixos/NAME/ is
# nixosConfigurations.NAME with no second list to keep in step.
{
  inputs,
  lib,
{{#if home_manager.standalone}}
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
{{#if machines}}

  # The same overlays and nixpkgs config as perSystem pkgs, for every machine.
  nixpkgsSettings = {
    nixpkgs = {
      overlays = [ inputs.self.overlays.default ];
      config = import ../nixpkgs-config.nix;
    };
  };
{{/if}}
{{#if home_manager.module}}

  # home-manager inside the machines: {{dirs.home}}/NAME is NAME's home on every machine, and
  # {{dirs.home}}/NAME@HOST on the machine HOST only (it wins over {{dirs.home}}/NAME there).
  homesOn =
    host:
    let
      entries = directoriesIn ../{{dirs.home}};
      here = builtins.filter (lib.hasSuffix "@${host}") entries;
      everywhere = builtins.filter (entry: !lib.hasInfix "@" entry) entries;
    in
    # listToAttrs keeps the first of two entries with the same name: the machine's own.
    builtins.listToAttrs (
      map (entry: {
        name = builtins.head (lib.splitString "@" entry);
        value = ../{{dirs.home}}/${entry};
      }) (here ++ everywhere)
    );

  # Each home's account: `account` is what the platform needs to know of it.
  homeManagerOn = host: account: {
    home-manager = {
      useGlobalPkgs = true;
      useUserPackages = true;
      extraSpecialArgs = { inherit inputs; };
      sharedModules = [ inputs.self.homeManagerModules.all ];
      users = homesOn host;
    };
    users.users = lib.mapAttrs (name: _: account name) (homesOn host);
  };
{{/if}}
in
{
  # One `flake` attribute set: the configurations are outputs of the flake.
  flake = {
{{#if platforms.nixos}}
    nixosConfigurations = lib.genAttrs (directoriesIn ../{{dirs.hosts}}/nixos) (
      name:
      inputs.nixpkgs.lib.nixosSystem {
        inherit lib;
        specialArgs = { inherit inputs; };
        modules = [
          ../{{dirs.hosts}}/nixos/${name}
          inputs.self.nixosModules.all
          nixpkgsSettings
          { networking.hostName = lib.mkDefault name; }
{{#if home_manager.module}}
          inputs.home-manager.nixosModules.home-manager
          (homeManagerOn name (_: {
            isNormalUser = lib.mkDefault true;
          }))
{{/if}}
        ];
      }
    );
{{/if}}
{{#if platforms.darwin}}
    darwinConfigurations = lib.genAttrs (directoriesIn ../{{dirs.hosts}}/darwin) (
      name:
      inputs.nix-darwin.lib.darwinSystem {
        inherit lib;
        specialArgs = { inherit inputs; };
        modules = [
          ../{{dirs.hosts}}/darwin/${name}
          inputs.self.darwinModules.all
          nixpkgsSettings
          { networking.hostName = lib.mkDefault name; }
{{#if home_manager.module}}
          inputs.home-manager.darwinModules.home-manager
          (homeManagerOn name (user: {
            home = lib.mkDefault "/Users/${user}";
          }))
{{/if}}
        ];
      }
    );
{{/if}}
{{#if home_manager.standalone}}
    # Standalone home-manager: `home-manager switch --flake .#USER`, or .#USER@HOST (looked up first
    # on the machine HOST). USER@HOST is built for HOST's system when HOST is one of the machines
    # here; every other home for {{home_system}} (homeSystem).
    homeConfigurations =
      let
        homeSystem = "{{home_system}}";
        machines = (inputs.self.nixosConfigurations or { }) // (inputs.self.darwinConfigurations or { });
        systemOf =
          entry:
          let
            host = lib.last (lib.splitString "@" entry);
          in
          if lib.hasInfix "@" entry && machines ? ${host} then
            machines.${host}.config.nixpkgs.hostPlatform.system
          else
            homeSystem;
      in
      lib.genAttrs (directoriesIn ../{{dirs.home}}) (
        entry:
        inputs.home-manager.lib.homeManagerConfiguration {
          inherit lib;
          pkgs = withSystem (systemOf entry) ({ pkgs, ... }: pkgs);
          extraSpecialArgs = { inherit inputs; };
          modules = [
            ../{{dirs.home}}/${entry}
            inputs.self.homeManagerModules.all
          ];
        }
      );
{{/if}}
  };
}
