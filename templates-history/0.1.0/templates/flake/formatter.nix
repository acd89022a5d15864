{
  perSystem =
    { pkgs, ... }:
    {
      # `nix fmt` formats the whole tree in the official Nix style (nixfmt, RFC 166).
      formatter = pkgs.nixfmt-tree;
    };
}
