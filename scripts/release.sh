#!/usr/bin/env bash
# Releases the version in Cargo.toml: stores its templates and shape under
# templates-history/VERSION/, so that later versions' `nixscaffold update` can render what it
# rendered (the base of the three-way merge). With NEXT, then starts the next version: Cargo.toml
# (and Cargo.lock) say NEXT, and template changes from here on belong to it.
#
#   scripts/release.sh            # store the current version (e.g. 0.2.0)
#   scripts/release.sh 0.3.0      # store it, then develop 0.3.0
#
# A stored version is never changed: the test `history::tests::the_current_version_if_stored_*`
# fails when templates/ departs from the stored copy of the version in Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

next=${1:-}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release.sh: no MAJOR.MINOR.PATCH version in Cargo.toml" >&2; exit 2; }
if [[ -n $next && ! $next =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "release.sh: NEXT must be MAJOR.MINOR.PATCH, not '$next'" >&2
    exit 2
fi

store=templates-history/$version
if [[ -e $store ]]; then
    if diff -r templates "$store/templates" >/dev/null; then
        echo "$version is already stored"
    else
        echo "release.sh: $store exists and differs from templates/: a released version is never changed; bump the version" >&2
        exit 2
    fi
else
    partial=$(mktemp -d templates-history/.partial-XXXXXX)
    trap 'rm -rf "$partial"' EXIT
    cp -R templates "$partial/templates"
    cargo run --locked --quiet -- release-shape > "$partial/shape.json"
    mv "$partial" "$store"
    echo "stored $version in $store ($(du -sh "$store" | cut -f1))"
fi

if [[ -n $next ]]; then
    sed -i "0,/^version = \"$version\"$/s//version = \"$next\"/" Cargo.toml
    cargo update --offline --workspace --quiet
    echo "Cargo.toml now says $next"
fi
cargo test --locked --quiet --lib history::
