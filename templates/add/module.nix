# The {{scope.word}} module {{entry.path}}: turn it on with `{{entry.option}}.enable = true;`.
{{#if import_tree}}
# import-tree loads it with its tree ({{registry}}); no list of imports names it.
{{else}}
# scanPaths in the default.nix above it imports it; no list of imports names it.
{{/if}}
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
