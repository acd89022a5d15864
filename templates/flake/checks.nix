{
  perSystem =
    { pkgs, ... }:
    {
      checks = {
        # `nix flake check` fails when a file is not in the official Nix style; `nix fmt` fixes it.
        formatting = pkgs.runCommandLocal "formatting" { nativeBuildInputs = [ pkgs.nixfmt ]; } ''
          find ${../.} -name '*.nix' -exec nixfmt --check {} +
          touch $out
        '';
{{#if lints.deadnix}}
        # Unused bindings and arguments; `deadnix --edit` removes them.
        deadnix = pkgs.runCommandLocal "deadnix" { nativeBuildInputs = [ pkgs.deadnix ]; } ''
          deadnix --fail ${../.}
          touch $out
        '';
{{/if}}
{{#if lints.statix}}
        # Anti-patterns; `statix fix` fixes most.
        statix = pkgs.runCommandLocal "statix" { nativeBuildInputs = [ pkgs.statix ]; } ''
          statix check ${../.}
          touch $out
        '';
{{/if}}
      };
    };
}
