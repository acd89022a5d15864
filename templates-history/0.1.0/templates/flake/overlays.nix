# The overlays as flake outputs: overlays.default and each platform's set.
{ lib, ... }:
{
  flake.overlays = import ../overlays { inherit lib; };
}
