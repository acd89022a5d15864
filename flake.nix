# nixscaffold's own flake: `nix run github:OWNER/nixscaffold -- new`, `nix develop`, `nix flake check`.
{
  description = "nixscaffold: create, grow and audit Nix flake repositories in the flake-parts shape";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts.url = "github:hercules-ci/flake-parts";
    flake-parts.inputs.nixpkgs-lib.follows = "nixpkgs";
  };

  outputs =
    inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];

      perSystem =
        { pkgs, self', ... }:
        let
          inherit (pkgs) lib;
          cargo = builtins.fromTOML (builtins.readFile ./Cargo.toml);
          # Only what the build and the tests read, so editing the README rebuilds nothing.
          src = lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.unions [
              ./Cargo.toml
              ./Cargo.lock
              ./build.rs
              ./src
              ./templates
              ./templates-history
              ./tests
              ./snapshots
              ./benches
              ./docs
              ./README.md
              ./flake.nix
              ./.pre-commit-hooks.yaml
            ];
          };
          canRun = pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform;
        in
        {
          packages.default = pkgs.rustPlatform.buildRustPackage {
            pname = cargo.package.name;
            inherit (cargo.package) version;
            inherit src;
            cargoLock.lockFile = ./Cargo.lock;

            nativeBuildInputs = [ pkgs.installShellFiles ];
            # The tests run the real Nix parser, git and a pseudo-terminal.
            nativeCheckInputs = [
              pkgs.nix
              pkgs.git
              pkgs.util-linux
            ];
            preCheck = ''
              export HOME=$TMPDIR
            '';

            postInstall = lib.optionalString canRun ''
              $out/bin/nixscaffold manpage --dir man
              installManPage man/*.1
              installShellCompletion --cmd nixscaffold \
                --bash <($out/bin/nixscaffold completions bash) \
                --fish <($out/bin/nixscaffold completions fish) \
                --zsh <($out/bin/nixscaffold completions zsh)
            '';

            meta = {
              inherit (cargo.package) description;
              license = lib.licenses.mit;
              mainProgram = "nixscaffold";
            };
          };

          devShells.default = pkgs.mkShell {
            inputsFrom = [ self'.packages.default ];
            packages = [
              pkgs.cargo
              pkgs.clippy
              pkgs.rustfmt
              pkgs.rust-analyzer
              pkgs.nix
              pkgs.git
            ];
          };

          checks = {
            # Building the package runs `cargo test`.
            tests = self'.packages.default;
            clippy = self'.packages.default.overrideAttrs (old: {
              pname = "${old.pname}-clippy";
              nativeBuildInputs = old.nativeBuildInputs ++ [ pkgs.clippy ];
              buildPhase = "cargo clippy --all-targets --offline -- -D warnings";
              installPhase = "touch $out";
              doCheck = false;
            });
            fmt =
              pkgs.runCommand "nixscaffold-fmt"
                {
                  nativeBuildInputs = [
                    pkgs.cargo
                    pkgs.rustfmt
                  ];
                }
                ''
                  cd ${src}
                  cargo fmt --check
                  touch $out
                '';
          };

          formatter = pkgs.nixfmt-tree;
        };
    };
}
