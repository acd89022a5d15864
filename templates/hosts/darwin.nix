# The macOS machine {{host.name}}. First activation (darwin-rebuild is not installed yet):
# `sudo nix run nix-darwin -- switch --flake .#{{host.name}}`; then `sudo darwin-rebuild switch --flake .#{{host.name}}`.
# Modules from {{dirs.modules}}/darwin are already imported; turn them on here.
{ pkgs, ... }:
{
  nixpkgs.hostPlatform = "{{host.system}}";

  users.users.{{host.user}}.home = "/Users/{{host.user}}";

  nix.settings = {
    experimental-features = [
      "nix-command"
      "flakes"
    ];
    max-jobs = "auto";
    cores = 0;
  };
  # With Determinate Nix, which manages Nix itself, set `nix.enable = false;` instead of nix.settings.

  system = {
    # The user that user-level settings (system.defaults such as the dock, homebrew) apply to.
    primaryUser = "{{host.user}}";
    # nix-darwin's state version when this machine was first set up. Set once, never bump it.
    stateVersion = {{host.state_version}};
  };

  environment.systemPackages = [ pkgs.git ];
}
