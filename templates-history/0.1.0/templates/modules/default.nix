# The one place that exposes this flake's module trees as outputs. Each value is a path, never
# `import ./x.nix`: a path keeps the module's identity, so importing it twice is harmless, while an
# imported value is anonymous and a second import fails with "already declared".
#
# Use them as `imports = [ inputs.self.nixosModules.all ];`. The modules use lib.custom, so a flake
# that imports them passes this flake's lib (inputs.THIS.lib) as lib.custom through specialArgs.
{
  flake = {
{{#if platforms.nixos}}
    nixosModules = {
      all = ./nixos;
      default = ./nixos;
    };
{{/if}}
{{#if platforms.darwin}}
    darwinModules = {
      all = ./darwin;
      default = ./darwin;
    };
{{/if}}
{{#if platforms.home}}
    homeManagerModules = {
      all = ./home;
      default = ./home;
    };
{{/if}}
  };
}
