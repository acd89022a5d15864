# The {{scope.word}} module {{entry.path}}: turn it on with `{{entry.option}}.enable = true;`.
# scanPaths in the default.nix above it imports it; no list of imports names it.
{ config, lib, ... }:
let
  cfg = config.{{entry.option}};
in
{
  options.{{entry.option}} = {
    enable = lib.mkEnableOption "the {{entry.path}} module";
  };

  config = lib.mkIf cfg.enable {
    # What the module sets when it is enabled, e.g. {{scope.example}}
  };
}
