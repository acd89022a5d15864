# The NixOS machine {{host.name}}: `nixos-rebuild switch --flake .#{{host.name}}`.
# Modules from modules/nixos are already imported; turn them on here.
{ pkgs, ... }:
{
  nixpkgs.hostPlatform = "{{host.system}}";

  # Replace with this machine's hardware-configuration.nix (nixos-generate-config --show-hardware-config).
  boot.loader.grub.device = "nodev";
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };

  nix.settings = {
    experimental-features = [
      "nix-command"
      "flakes"
    ];
    # Parallel builds: as many jobs as cores, each using every core ("auto" and 0).
    max-jobs = "auto";
    cores = 0;
  };

  system.stateVersion = "{{nixos_state_version}}";

  environment.systemPackages = [ pkgs.git ];
}
