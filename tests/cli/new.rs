//! `nixscaffold new`: the generated trees, their validity under real Nix, and the safety promises.

use crate::support::*;

#[test]
fn default_repository_is_complete_and_valid() {
    let (scratch, repo) = new_repo(&[]);
    assert_all_nix_valid(scratch.path(), &repo);
}
