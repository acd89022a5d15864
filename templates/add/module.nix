# The {{scope.word}} module {{entry.path}}: turn it on with `{{entry.option}}.enable = true;`.
# It is imported by the auto-importing default.nix of its directory; nothing else lists it.
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
