# The NixOS machine {{host.name}}. Before its first switch, replace hardware-configuration.nix with
# the machine's own (see that file), then: `sudo nixos-rebuild switch --flake .#{{host.name}}`.
# Modules from {{dirs.modules}}/nixos are already imported; turn them on here.
{ pkgs, ... }:
{
  imports = [ ./hardware-configuration.nix ];

  nixpkgs.hostPlatform = "{{host.system}}";

  # The account you log in with; it may use sudo (wheel). Set its password with `passwd {{host.user}}`
  # (as root) after the first switch, or give it openssh.authorizedKeys.keys here.
  users.users.{{host.user}} = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
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

  # The NixOS release this machine was first installed with. Set once, never bump it: it is not the
  # version you run, and changing it can break stateful services (their data formats).
  system.stateVersion = "{{host.state_version}}";

  environment.systemPackages = [ pkgs.git ];
}
