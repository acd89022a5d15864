# Every module in this directory: its subdirectories and .nix files. Add a file and it is imported.
{ lib, ... }:
{
  imports = lib.custom.scanPaths ./.;
}
