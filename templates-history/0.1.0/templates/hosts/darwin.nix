# The macOS machine {{host.name}}: `darwin-rebuild switch --flake .#{{host.name}}`.
# Modules from modules/darwin are already imported; turn them on here.
{ pkgs, ... }:
{
  nixpkgs.hostPlatform = "{{host.system}}";

  nix.settings = {
    experimental-features = [
      "nix-command"
      "flakes"
    ];
    max-jobs = "auto";
    cores = 0;
  };

  system.stateVersion = {{darwin_state_version}};

  environment.systemPackages = [ pkgs.git ];
}
