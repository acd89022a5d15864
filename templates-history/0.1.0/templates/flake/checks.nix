{
  perSystem =
    { pkgs, ... }:
    {
      # `nix flake check` fails when a file is not in the official Nix style; `nix fmt` fixes it.
      checks.formatting = pkgs.runCommandLocal "formatting" { nativeBuildInputs = [ pkgs.nixfmt ]; } ''
        find ${../.} -name '*.nix' -exec nixfmt --check {} +
        touch $out
      '';
    };
}
