# lib.custom as the flake output `lib`, for other flakes to reuse.
{ lib, ... }:
{
  flake.lib = lib.custom;
}
