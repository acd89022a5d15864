# Home of {{user.name}}: `home-manager switch --flake .#{{user.name}}`.
# Modules from modules/home are already imported; turn them on here.
{ pkgs, ... }:
{
  home = {
    username = "{{user.name}}";
    homeDirectory = "{{user.home_directory}}";
    packages = [ pkgs.ripgrep ];
    stateVersion = "{{home_state_version}}";
  };

  programs.home-manager.enable = true;
}
