//! Interactive `new`, driven through a pseudo-terminal as a person would type: a wrong answer is
//! refused at its prompt with the reason and asked again, every question with a flag is asked, and
//! a summary and a confirmation come before anything is written.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;

use crate::support::scratch;

/// The binary on a pseudo-terminal (its standard input, output and error, and its controlling
/// terminal), with what it printed so far, escape sequences removed.
struct Terminal {
    child: Child,
    master: File,
    screen: Arc<Mutex<Vec<u8>>>,
    seen: usize,
}

impl Terminal {
    fn spawn(cwd: &Path, args: &[&str]) -> Terminal {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 40,
            ws_col: 120,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two new descriptors, which we own from here on.
        let opened = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut command = Command::new(cargo_bin("nixscaffold"));
        command
            .args(args)
            .current_dir(cwd)
            .env("TERM", "xterm")
            .env("USER", "tester")
            .env("NO_COLOR", "1")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("nixscaffold starts");
        drop(command);
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            // EIO when the child has exited and closed the terminal.
            while let Ok(n @ 1..) = reader.read(&mut buffer) {
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        Terminal {
            child,
            master,
            screen,
            seen: 0,
        }
    }

    fn text(&self) -> String {
        strip_escapes(&String::from_utf8_lossy(&self.screen.lock().unwrap()))
    }

    /// Waits until `needle` appears after what earlier calls matched; returns the text up to it.
    fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = self.text();
            if let Some(at) = text[self.seen.min(text.len())..].find(needle) {
                let start = self.seen;
                self.seen += at + needle.len();
                // Let the prompt reach its read before we type.
                std::thread::sleep(Duration::from_millis(100));
                return text[start..self.seen].to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no `{needle}` on the terminal; it shows:\n{}",
                &text[self.seen.min(text.len())..]
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }

    /// Waits for the exit code; returns it and everything printed.
    fn finish(mut self) -> (i32, String) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.text());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("nixscaffold did not exit; it shows:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The text without ANSI escape sequences and carriage returns.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";

#[test]
fn wrong_answers_are_refused_at_their_prompt_and_asked_again_then_a_summary() {
    let scratch = scratch();
    let mut term = Terminal::spawn(scratch.path(), &["new", "cfg", "--no-git"]);

    term.expect("Repository name");
    term.send(ENTER);
    term.expect("Description of the flake");
    term.send(ENTER);
    term.expect("Option namespace");
    term.send("let");
    term.send(ENTER);
    term.expect("`let` is a Nix keyword");
    term.send(ENTER);

    // Zero platforms: untick all three.
    term.expect("Platforms (space to toggle, enter to accept)");
    term.send(&format!(" {DOWN} {DOWN} "));
    term.send(ENTER);
    term.expect("error: choose at least one platform");
    term.expect("Platforms (space to toggle");
    term.send(" ");
    term.send(ENTER);

    term.expect("Systems to build for");
    term.send(ENTER);

    term.expect("nixos machines (NAME or NAME@SYSTEM");
    term.send("../evil my.laptop");
    term.send(ENTER);
    term.expect("`../evil` in `nixos/../evil` is not a valid host name");
    // The refused answer is still in the line: clear it, then a good one.
    term.send(&"\x7f".repeat(40));
    term.send("laptop pi@aarch64-linux");
    term.send(ENTER);

    // Users are asked for machines too: the first is their account.
    term.expect("Users: the first is each machine's account");
    term.send(ENTER);
    term.expect("NixOS / home-manager release first installed");
    term.send("26.10");
    term.send(ENTER);
    term.expect("is not a NixOS release");
    term.send(&"\x7f".repeat(10));
    term.send("24.05");
    term.send(ENTER);

    term.expect("Binary caches (space to toggle");
    term.send(ENTER);
    term.expect("Other binary caches (URL=KEY");
    term.send("nixcommunity");
    term.send(ENTER);
    term.expect("`nixcommunity` is neither a known cache");
    term.send(&"\x7f".repeat(20));
    term.send(ENTER);

    term.expect("Overlays (space to toggle");
    term.send(ENTER);
    // The second backend: import-tree.
    term.expect("Auto-import of module trees");
    term.send(DOWN);
    term.send(ENTER);

    let summary = term.expect("Write these");
    for line in [
        "Summary:",
        "name         cfg",
        "namespace    cfg",
        "platforms    nixos",
        "systems      x86_64-linux, aarch64-linux",
        "hosts        nixos/laptop@x86_64-linux, nixos/pi@aarch64-linux",
        "users        tester",
        "account      tester",
        "state        24.05",
        "caches       nix-community",
        "auto-import  import-tree",
    ] {
        assert!(
            summary.contains(line),
            "no `{line}` in the summary:\n{summary}"
        );
    }
    term.send(ENTER);
    let (code, screen) = term.finish();
    assert_eq!(code, 0, "{screen}");
    let repo = scratch.path().join("cfg");
    assert!(
        repo.join("hosts/nixos/pi/default.nix").is_file(),
        "{screen}"
    );
    assert!(!repo.join("hosts/darwin").exists());
    let answers = std::fs::read_to_string(repo.join(".nixscaffold.yaml")).unwrap();
    assert!(answers.contains("nixos/pi@aarch64-linux"), "{answers}");
    assert!(answers.contains("auto-import: import-tree"), "{answers}");
    assert!(!repo.join("modules/nixos/default.nix").exists());
}

#[test]
fn declining_the_summary_writes_nothing() {
    let scratch = scratch();
    let mut term = Terminal::spawn(
        scratch.path(),
        &[
            "new",
            "cfg",
            "--no-git",
            "--name",
            "cfg",
            "--description",
            "d",
            "--namespace",
            "my",
            "--platform",
            "home",
            "--system",
            "aarch64-darwin",
            "--user",
            "alice",
            "--state-version",
            "26.11",
            "--overlay",
            "custom",
            "--auto-import",
            "scanpaths",
        ],
    );
    // Only the caches were not given.
    term.expect("Binary caches");
    term.send(ENTER);
    term.expect("Other binary caches");
    term.send(ENTER);
    let summary = term.expect("Write these");
    assert!(summary.contains("users        alice"), "{summary}");
    assert!(!summary.contains("Repository name"), "{summary}");
    term.send("n");
    let (code, screen) = term.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Nothing was written."), "{screen}");
    assert!(!scratch.path().join("cfg").exists());
}

#[test]
fn answers_given_as_flags_are_checked_before_any_question() {
    let scratch = scratch();
    let term = Terminal::spawn(scratch.path(), &["new", "cfg", "--host", "nixos/../evil"]);
    let (code, screen) = term.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("is not a valid host name"), "{screen}");
    assert!(!screen.contains("Repository name"), "{screen}");
}

#[test]
fn a_namespace_that_is_a_top_level_option_is_refused_at_its_prompt() {
    let scratch = scratch();
    let mut term = Terminal::spawn(
        scratch.path(),
        &[
            "new",
            "nix",
            "--no-git",
            "--name",
            "nix",
            "--description",
            "d",
        ],
    );
    // The default is the safe word, not the directory's name.
    term.expect("Option namespace of your modules (options.NAMESPACE.…) [my]");
    term.send(&"\x7f".repeat(5));
    term.send("nix");
    term.send(ENTER);
    term.expect("`nix` is a top-level option of NixOS, nix-darwin or home-manager");
    term.send("\x03");
    let (_code, _screen) = term.finish();
    assert!(!scratch.path().join("nix").exists());
}
