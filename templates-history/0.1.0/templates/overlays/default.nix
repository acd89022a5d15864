# Overlays by platform. Each one is lib.packagesFromDirectoryRecursive over its own pkgs/ directory:
# lazy, so a package is only evaluated when something uses it.
{ lib }:
let
  packagesIn =
    directory: callPackage:
    lib.packagesFromDirectoryRecursive { inherit callPackage directory; };
in
rec {
{{#if overlays.custom}}
  # Packages for every platform.
  custom = final: _prev: packagesIn ../pkgs/custom final.callPackage;

{{/if}}
{{#if overlays.customDarwin}}
  # macOS-only packages: on other platforms this overlay adds nothing and evaluates nothing.
  customDarwin =
    final: prev:
    lib.optionalAttrs prev.stdenv.hostPlatform.isDarwin (packagesIn ../pkgs/darwin final.callPackage);

{{/if}}
{{#if overlays.customPypi}}
  # Python packages, added to every Python version's package set.
  customPypi = _final: prev: {
    pythonPackagesExtensions = prev.pythonPackagesExtensions ++ [
      (pyFinal: _pyPrev: packagesIn ../pkgs/pypi pyFinal.callPackage)
    ];
  };

{{/if}}
  # All of the above, in one overlay.
  default = lib.composeManyExtensions [
{{#each overlay_names}}
    {{this}}
{{/each}}
  ];
}
