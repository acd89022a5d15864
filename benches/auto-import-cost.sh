#!/usr/bin/env bash
# What auto-import costs the module system, measured with real Nix (NIX_SHOW_STATS): 1,000
# option-declaring modules in 117 directories (a root, 4 directories, 7 below each, 3 below those),
# evaluated through lib.evalModules with each way of importing them:
#
#   explicit       one list of the 1,000 paths (the baseline)
#   scanpaths-old  a default.nix per directory calling the helper of nixscaffold 0.1.0
#   scanpaths      a default.nix per directory calling today's generated lib/default.nix
#   recursive      one recursive builtins listing of the whole tree (no default.nix)
#   import-tree    vic/import-tree on the tree (no default.nix; needs Nix >= 2.14)
#
# Usage: benches/auto-import-cost.sh NIXPKGS_LIB [IMPORT_TREE]
#   NIXPKGS_LIB  a checkout of nixpkgs' lib: the folder holding lib/ (nix-community/nixpkgs.lib or
#                nixpkgs itself)
#   IMPORT_TREE  a checkout of vic/import-tree; without it that variant is skipped
# Env: NIX_INSTANTIATE  the command to run (default: nix-instantiate), e.g. "/tmp/trixie-nix
#                       nix-instantiate" for Nix 2.26 in the chroot of shared/tools/modern-nix-setup
#                       (the work directory is made under /tmp, which the chroot sees)
#      NIXSCAFFOLD      the binary whose generated files are measured (default: target/debug/nixscaffold)
# Prints one line per variant: function calls, thunks and primop calls, and each against explicit.
set -euo pipefail
lib_src=$(cd "${1:?usage: $0 NIXPKGS_LIB [IMPORT_TREE]}" && pwd)
[ -f "$lib_src/lib/default.nix" ] || { echo "$lib_src/lib/default.nix is missing" >&2; exit 2; }
import_tree=${2:+$(cd "$2" && pwd)}
read -r -a nix <<<"${NIX_INSTANTIATE:-nix-instantiate}"
here=$(cd "$(dirname "$0")/.." && pwd)
nixscaffold=${NIXSCAFFOLD:-$here/target/debug/nixscaffold}
work=$(mktemp -d /tmp/auto-import-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The files nixscaffold generates today: the helper and a module directory's default.nix.
"$nixscaffold" new "$work/gen" --yes --no-git --platform home --auto-import scanpaths >/dev/null
cp "$work/gen/lib/default.nix" "$work/lib-new.nix"
auto_import=$(cat "$work/gen/modules/home/default.nix")

# The helper nixscaffold 0.1.0 wrote (each directory one more module).
cat >"$work/lib-old.nix" <<'NIX'
{
  scanPaths =
    path:
    let
      entries = builtins.readDir path;
      isNixFile = name: builtins.stringLength name > 4 && builtins.substring (builtins.stringLength name - 4) 4 name == ".nix";
      isModule = name: entries.${name} == "directory" || (name != "default.nix" && isNixFile name);
    in
    map (name: path + "/${name}") (builtins.filter isModule (builtins.attrNames entries));
}
NIX

# The tree: 117 directories, module i in directory i mod 117.
dirs=(.)
for t in 0 1 2 3; do
  dirs+=("t$t")
  for m in 0 1 2 3 4 5 6; do
    dirs+=("t$t/m$m")
    for l in 0 1 2; do dirs+=("t$t/m$m/l$l"); done
  done
done
plain=$work/plain
echo '[' >"$work/explicit.nix"
for d in "${dirs[@]}"; do mkdir -p "$plain/$d"; done
for i in $(seq 0 999); do
  d=${dirs[$((i % ${#dirs[@]}))]}
  # The shape of a module add-module writes (an enable option, config under mkIf), turned on, and
  # contributing to one option every module shares.
  cat >"$plain/$d/m$i.nix" <<NIX
{ config, lib, ... }:
{
  options.bench.m$i = {
    enable = lib.mkEnableOption "module $i" // { default = true; };
    value = lib.mkOption {
      type = lib.types.int;
      default = $i;
    };
  };
  config = lib.mkIf config.bench.m$i.enable { total = [ config.bench.m$i.value ]; };
}
NIX
  echo "  ./plain/$d/m$i.nix" >>"$work/explicit.nix"
done
echo ']' >>"$work/explicit.nix"
scanned=$work/scanned
cp -r "$plain" "$scanned"
for d in "${dirs[@]}"; do printf '%s\n' "$auto_import" >"$scanned/$d/default.nix"; done

cat >"$work/bench.nix" <<'NIX'
{ libSrc, variant, helper, importTree ? null }:
let
  lib = (import (libSrc + "/lib")).extend (_final: _prev: { custom = import helper; });
  recursive =
    dir:
    let
      entries = builtins.readDir dir;
    in
    builtins.concatMap (
      name:
      if entries.${name} == "directory" then
        recursive (dir + "/${name}")
      else if builtins.substring (builtins.stringLength name - 4) 4 name == ".nix" then
        [ (dir + "/${name}") ]
      else
        [ ]
    ) (builtins.attrNames entries);
  roots = {
    explicit = { imports = import ./explicit.nix; };
    scanpaths = ./scanned;
    recursive = { imports = recursive ./plain; };
    import-tree = (import importTree) ./plain;
  };
  shared = { lib, ... }: { options.total = lib.mkOption { type = lib.types.listOf lib.types.int; }; };
  modules = [ shared roots.${variant} ];
  config = (lib.evalModules { specialArgs = { inherit lib; }; inherit modules; }).config;
in
builtins.foldl' builtins.add 0 config.total
NIX

# One evaluation; prints "calls thunks primops" (and checks the sum of the 1,000 defaults).
measure() {
  local variant=$1 helper=$2 stats=$work/stats-$3.json out
  local args=(--arg libSrc "$lib_src" --argstr variant "$variant" --arg helper "$helper")
  [ -n "$import_tree" ] && args+=(--arg importTree "$import_tree")
  out=$(NIX_SHOW_STATS=1 NIX_SHOW_STATS_PATH=$stats "${nix[@]}" --eval "$work/bench.nix" "${args[@]}")
  [ "$out" = 499500 ] || { echo "$3: evaluated to $out, not 499500" >&2; exit 1; }
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["nrFunctionCalls"], s["nrThunks"], s["nrPrimOpCalls"])' "$stats"
}

echo "$("${nix[@]}" --version)"
printf '%-14s %9s %9s %9s %9s %9s\n' variant calls '+calls' thunks '+thunks' primops
base=
for row in "explicit explicit lib-new" "scanpaths-old scanpaths lib-old" "scanpaths scanpaths lib-new" \
  "recursive recursive lib-new" "import-tree import-tree lib-new"; do
  read -r name variant helper <<<"$row"
  if [ "$name" = import-tree ] && [ -z "$import_tree" ]; then
    echo "import-tree    (skipped: give a checkout of vic/import-tree)"; continue
  fi
  read -r calls thunks primops <<<"$(measure "$variant" "$work/$helper.nix" "$name")"
  [ -z "$base" ] && base="$calls $thunks"
  read -r base_calls base_thunks <<<"$base"
  awk -v n="$name" -v c="$calls" -v t="$thunks" -v p="$primops" -v bc="$base_calls" -v bt="$base_thunks" \
    'BEGIN { printf "%-14s %9d %+8.1f%% %9d %+8.1f%% %9d\n", n, c, 100*(c-bc)/bc, t, 100*(t-bt)/bt, p }'
done
