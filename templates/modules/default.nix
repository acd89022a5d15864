{{#if import_tree}}
# The one place that exposes this flake's module trees as outputs. Each tree is loaded by import-tree:
# every .nix file below it, but names starting with _. The value is a module whose imports are the
# files' paths, never `import ./x.nix`: a path keeps the module's identity, so importing it twice is
# harmless, while an imported value is anonymous and a second import fails with "already declared".
#
# Use them as `imports = [ inputs.self.nixosModules.all ];`.
{ inputs, ... }:
{{else}}
# The one place that exposes this flake's module trees as outputs. Never `import ./x.nix` here: an
# imported value is anonymous, and a second import fails with "already declared"; a path (or
# exportModule, which keeps the path as the module's key) keeps its identity, so importing it twice
# is harmless.
#
# `all` is each tree as a path, for this flake's own machines and homes (they have lib.custom).
# `default` is the same tree carrying this flake's lib (lib.custom.exportModule), for other flakes:
# `imports = [ inputs.THIS.nixosModules.default ];` works there without lib.custom.
{ lib, ... }:
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
      default = lib.custom.exportModule ./nixos;
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
      default = lib.custom.exportModule ./darwin;
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
      default = lib.custom.exportModule ./home;
{{/if}}
    };
{{/if}}
  };
}
