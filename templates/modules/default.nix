{{#if import_tree}}
# The one place that exposes this flake's module trees as outputs. Each tree is loaded by import-tree:
# every .nix file below it, but names starting with _. The value is a module whose imports are the
# files' paths, never `import ./x.nix`: a path keeps the module's identity, so importing it twice is
# harmless, while an imported value is anonymous and a second import fails with "already declared".
#
# Use them as `imports = [ inputs.self.nixosModules.all ];`.
{ inputs, ... }:
{{else}}
# The one place that exposes this flake's module trees as outputs. Each value is a path, never
# `import ./x.nix`: a path keeps the module's identity, so importing it twice is harmless, while an
# imported value is anonymous and a second import fails with "already declared".
#
# Use them as `imports = [ inputs.self.nixosModules.all ];`. The modules use lib.custom, so a flake
# that imports them passes this flake's lib (inputs.THIS.lib) as lib.custom through specialArgs.
{{/if}}
{
  flake = {
{{#if platforms.nixos}}
    nixosModules = {
{{#if import_tree}}
      all = inputs.import-tree ./nixos;
      default = inputs.import-tree ./nixos;
{{else}}
      all = ./nixos;
      default = ./nixos;
{{/if}}
    };
{{/if}}
{{#if platforms.darwin}}
    darwinModules = {
{{#if import_tree}}
      all = inputs.import-tree ./darwin;
      default = inputs.import-tree ./darwin;
{{else}}
      all = ./darwin;
      default = ./darwin;
{{/if}}
    };
{{/if}}
{{#if platforms.home}}
    homeManagerModules = {
{{#if import_tree}}
      all = inputs.import-tree ./home;
      default = inputs.import-tree ./home;
{{else}}
      all = ./home;
      default = ./home;
{{/if}}
    };
{{/if}}
  };
}
