{{#if home_manager.standalone}}
# Home of {{user.name}}{{#if user.host}} on {{user.host}}{{/if}}: `home-manager switch --flake .#{{user.entry}}` (the first time,
# before home-manager is installed: `nix run home-manager -- switch --flake .#{{user.entry}}`).
{{else}}
# Home of {{user.name}}{{#if user.host}} on {{user.host}}{{/if}}, switched with each machine (home-manager.users.{{user.name}}).
{{/if}}
# Modules from {{dirs.modules}}/home are already imported; turn them on here.
{ lib, pkgs, ... }:
{
  home = {
    username = lib.mkDefault "{{user.name}}";
    # /Users on macOS, /home elsewhere.
    homeDirectory = lib.mkDefault (
      if pkgs.stdenv.hostPlatform.isDarwin then "/Users/{{user.name}}" else "/home/{{user.name}}"
    );
    packages = [ pkgs.ripgrep ];
    # The home-manager release this home was first set up with. Set once, never bump it.
    stateVersion = "{{state_version}}";
  };

  programs.home-manager.enable = true;
}
