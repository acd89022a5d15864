//! Any bytes as `.nixscaffold.yaml`: an error or answers, never a panic; valid answers always render.
//!
//! Large lists, which libFuzzer's short inputs never reach by themselves: when the first byte is
//! 0xff, bytes 1–2 are a count (up to 8,191 hosts and as many users) and the rest a name stem;
//! the answers file then lists `nixos/STEMi` and `STEMi` for each i (and a repeat when the stem
//! asks for one, to reach the duplicate checks). Resolving must stay linear (run with
//! `-timeout=20`); a large list is resolved, not rendered (rendering thousands of files per input
//! under the sanitizer takes longer than any timeout; benches/answers_scale.rs measures it).
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use nixscaffold::answers::AnswersFile;
use nixscaffold::generate::plan_new;
use nixscaffold::render::Renderer;

fn large(count: usize, stem: &str) -> String {
    let mut text = String::from("platforms: [nixos, home]\nhosts:\n");
    for i in 0..count {
        let _ = writeln!(text, "- nixos/{stem}{i}");
    }
    text.push_str("users:\n");
    for i in 0..count {
        let _ = writeln!(text, "- {stem}{i}");
    }
    if stem.ends_with('_') {
        let _ = writeln!(text, "- {stem}0");
    }
    text
}

fuzz_target!(|data: &[u8]| {
    let text = match data {
        [0xff, hi, lo, stem @ ..] => {
            let Ok(stem) = std::str::from_utf8(stem) else {
                return;
            };
            large((usize::from(*hi & 0x1f) << 8) | usize::from(*lo), stem)
        }
        _ => match std::str::from_utf8(data) {
            Ok(text) => text.to_string(),
            Err(_) => return,
        },
    };
    let Ok(Some(file)) = serde_saphyr::from_str::<Option<AnswersFile>>(&text) else {
        return;
    };
    if let Ok(answers) = file.resolve("repo") {
        if answers.hosts.len() + answers.users.len() > 64 {
            return;
        }
        let renderer = Renderer::new(None).expect("built-in templates");
        plan_new(&answers, &renderer).expect("valid answers always render");
    }
});
