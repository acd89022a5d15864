{
  description = "{{description}}";

  # Binary caches: prebuilt packages instead of local builds. Nix asks before it uses them (or set
  # accept-flake-config = true), and uses them only for a user in trusted-users: for others it
  # ignores them with a warning until the machine's nix.settings lists them.
  nixConfig = {
    extra-substituters = [
{{#each caches}}
      "{{url}}"
{{/each}}
    ];
    extra-trusted-public-keys = [
{{#each caches}}
      "{{key}}"
{{/each}}
    ];
  };

  inputs = {
    nixpkgs.url = "{{nixpkgs_url}}";
    flake-parts = {
      url = "github:hercules-ci/flake-parts";
      inputs.nixpkgs-lib.follows = "nixpkgs";
    };
{{#if platforms.home}}
    home-manager = {
      url = "github:nix-community/home-manager";
      inputs.nixpkgs.follows = "nixpkgs";
    };
{{/if}}
{{#if platforms.darwin}}
    nix-darwin = {
      url = "github:nix-darwin/nix-darwin";
      inputs.nixpkgs.follows = "nixpkgs";
    };
{{/if}}
{{#if import_tree}}
    {{import_tree.comment}}
    {{import_tree.input}}.url = "{{import_tree.url}}";
{{/if}}
  };

  outputs =
    inputs@{ flake-parts, nixpkgs, ... }:
    let
      # nixpkgs' lib plus this flake's own functions as lib.custom, handed to every module system.
      lib = nixpkgs.lib.extend (_final: _prev: { custom = import ./lib; });
    in
    flake-parts.lib.mkFlake
      {
        inherit inputs;
        specialArgs = { inherit lib; };
      }
      {
        # {{dirs.flake}}/ holds the flake-parts modules (auto-imported); {{dirs.modules}}/ is the central registry.
        imports = [
{{#if import_tree}}
          (inputs.{{import_tree.input}} ./{{dirs.flake}})
{{else}}
          ./{{dirs.flake}}
{{/if}}
          ./{{dirs.modules}}
        ];
      };
}
