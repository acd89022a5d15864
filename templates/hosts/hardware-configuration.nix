# PLACEHOLDER, not this machine's hardware: it lets the configuration evaluate (`nix flake check`)
# but would not boot. On the machine, before its first switch, replace it with the real one:
#   nixos-generate-config --show-hardware-config > {{dirs.hosts}}/nixos/{{host.name}}/hardware-configuration.nix
#   git add {{dirs.hosts}}/nixos/{{host.name}}/hardware-configuration.nix
{ lib, ... }:
{
  boot.loader.grub.device = lib.mkDefault "nodev";
  fileSystems."/" = lib.mkDefault {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };
}
