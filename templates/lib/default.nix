# This flake's own library, reachable as lib.custom in every module system and as the output `lib`.
{{#if import_tree}}
# Module trees are loaded by import-tree ({{dirs.modules}}/default.nix), so it needs no helper.
{ }
{{else}}
let
  # The modules of a directory: its `.nix` files but `default.nix` (the file that calls this, so it
  # does not import itself) and its subdirectories, leaving out names that start with `_` (data,
  # helpers; import-tree's rule). Use it as `imports = lib.custom.scanPaths ./.;`.
  #
  # A subdirectory whose default.nix is the caller's own text auto-imports the same way, so its
  # modules are listed here instead of importing it: one module per tree, not one per directory
  # (each directory's default.nix still imports just that directory). Written with builtins only,
  # one readDir per directory and no helper functions: the evaluation-cost rule wins over "prefer lib
  # to builtins" (benches/auto-import-cost.sh measures it).
  scanPaths =
    dir:
    let
      own = dir + "/default.nix";
      text = if builtins.pathExists own then builtins.readFile own else null;
      modulesOf =
        path:
        let
          entries = builtins.removeAttrs (builtins.readDir path) [ "default.nix" ];
        in
        builtins.concatMap (
          name:
          if builtins.substring 0 1 name == "_" then
            [ ]
          else if entries.${name} == "directory" then
            if
              builtins.pathExists (path + "/${name}/default.nix")
              && builtins.readFile (path + "/${name}/default.nix") == text
            then
              modulesOf (path + "/${name}")
            else
              [ (path + "/${name}") ]
          else if builtins.match ".+[.]nix" name != null then
            [ (path + "/${name}") ]
          else
            [ ]
        ) (builtins.attrNames entries);
    in
    modulesOf dir;

  # The module at `path`, carrying this library: it and every module scanPaths finds below it see
  # lib.custom as these functions, whatever lib the importing flake has (the idea of flake-parts'
  # importApply: a module applied to what its own flake provides). For the module outputs other
  # flakes import, so that `imports = [ inputs.THIS.nixosModules.default ];` needs nothing more.
  # The key keeps the module's identity: importing it twice, or with its plain path, is harmless.
  exportModule =
    path:
    let
      module = import path;
      withOurs = args: args // { lib = args.lib // { custom = exported; }; };
    in
    {
      _file = path;
      key = toString path;
      imports = [
        (
          if builtins.isFunction module then
            {
              __functionArgs = builtins.functionArgs module;
              __functor = _: args: module (withOurs args);
            }
          else
            module
        )
      ];
    };

  # lib.custom as exported modules see it: what scanPaths finds carries this library too.
  scanExported = path: map exportModule (scanPaths path);
  exported = custom // {
    scanPaths = scanExported;
  };

  custom = { inherit scanPaths exportModule; };
in
custom
{{/if}}
