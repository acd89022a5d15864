# The package {{entry.name}}, as `{{scope.attr}}{{entry.name}}` through the `{{scope.overlay}}` overlay.
# A callPackage-style function: lib.packagesFromDirectoryRecursive finds it, no other edit is needed.
# Fill in the source, then replace lib.fakeHash with the hash the first build prints.
{
  lib,
  stdenv,
  fetchFromGitHub,
}:
stdenv.mkDerivation (finalAttrs: {
  pname = "{{entry.name}}";
  version = "0.1.0";

  src = fetchFromGitHub {
    owner = "OWNER";
    repo = "{{entry.name}}";
    tag = "v${finalAttrs.version}";
    hash = lib.fakeHash;
  };

  meta = {
    description = "{{entry.name}}";
    homepage = "https://github.com/OWNER/{{entry.name}}";
    license = lib.licenses.mit;
    platforms = {{scope.platforms}};
  };
})
