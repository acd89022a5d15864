# The Python package {{entry.name}}, as `{{scope.attr}}{{entry.name}}` (and in every other Python's
# package set) through the `{{scope.overlay}}` overlay. lib.packagesFromDirectoryRecursive finds it.
# Fill in the version, then replace lib.fakeHash with the hash the first build prints.
{
  lib,
  buildPythonPackage,
  fetchPypi,
  setuptools,
}:
buildPythonPackage rec {
  pname = "{{entry.name}}";
  version = "0.1.0";
  pyproject = true;

  src = fetchPypi {
    inherit pname version;
    hash = lib.fakeHash;
  };

  build-system = [ setuptools ];

  dependencies = [ ];

  pythonImportsCheck = [ "{{entry.identifier}}" ];

  meta = {
    description = "{{entry.name}}";
    homepage = "https://pypi.org/project/{{entry.name}}/";
    license = lib.licenses.mit;
  };
}
