//! Any bytes as one `.nix` file (the first byte picks where it lies in the repository): `check`'s
//! analysis (parse, import graph, every rule) and all three reports, never a panic; every finding
//! has a position from 1, inside the file it names.
//!
//! Long runs of one character, which libFuzzer's short inputs never reach by themselves: when the
//! first byte's high bit is set, bytes 1–3 are a character and a count (up to 1,048,560), and the
//! text is the rest with that many copies of the character inserted in its middle. The parser
//! guard must keep such a file linear (run with `-timeout=30` to catch a slow path: a million
//! characters that pass the guard are parsed and checked twice, slowly under the sanitizer).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nixscaffold::check::{Outcome, Repo};
use nixscaffold::report;

const PATHS: &[&str] = &[
    "flake.nix",
    "modules/default.nix",
    "modules/nixos/default.nix",
    "modules/home/shell/zsh.nix",
    "lib/default.nix",
    "overlays/default.nix",
    "flake/configurations.nix",
    "hosts/nixos/laptop/default.nix",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(pick & 0x7f) % PATHS.len()];
    // check skips a file that is not UTF-8; the lossy text still drives the parser with odd input.
    let text = match (pick & 0x80 != 0, rest) {
        (true, [c, hi, lo, rest @ ..]) => {
            let count = (usize::from(*hi) << 8 | usize::from(*lo)) * 16;
            let rest = String::from_utf8_lossy(rest);
            let middle = rest.len() / 2;
            let middle = (0..=middle).rev().find(|i| rest.is_char_boundary(*i)).unwrap_or(0);
            let run = char::from(*c & 0x7f).to_string().repeat(count);
            format!("{}{run}{}", &rest[..middle], &rest[middle..])
        }
        _ => String::from_utf8_lossy(rest).into_owned(),
    };
    if nixscaffold::nix::within_parse_limits(&text).is_err() {
        // What check does with such a file: skipped, with its reason; nothing else to try.
        return;
    }
    let repo = Repo::in_memory(&[(path, &text)]);
    let findings = repo.check();
    let lines = text.split('\n').count();
    for f in &findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        if f.file == path {
            assert!(f.line <= lines, "{f:?} past the end of {lines} lines");
        }
    }
    let checked = repo.run();
    assert_eq!(checked.findings, findings);
    let unresolved = repo.unresolved();
    let outcome = Outcome {
        root: ".".into(),
        adopted: repo.adopted(),
        conventions: repo.conventions,
        shape: repo.expected.shape,
        files_checked: 1,
        findings,
        distance: checked.distance,
        skipped: Vec::new(),
        unresolved,
    };
    let _ = report::human(&outcome, true, true);
    let _ = report::human(&outcome, true, false);
    let json = serde_json::to_string(&report::json(&outcome)).expect("the report serializes");
    let _: serde_json::Value = serde_json::from_str(&json).expect("the report parses back");
    let _ = report::github(&outcome);
});
