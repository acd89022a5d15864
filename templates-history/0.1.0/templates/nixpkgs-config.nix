# The nixpkgs configuration shared by perSystem pkgs and every machine, so they build the same packages.
{
  allowUnfree = true;
}
