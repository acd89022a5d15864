//! What the running transactions would undo, kept where a signal can reach it. A transaction
//! ([`crate::write::Transaction`]) records each step here, under one lock, before it is visible;
//! on SIGINT, SIGTERM or SIGHUP a handler thread takes that lock (so no step is half done), undoes
//! every open transaction exactly as a failed write would, and exits with 128 + the signal. After
//! a SIGKILL nothing can run: the next writer under the repository lock removes what is left
//! ([`sweep_stale`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// What one transaction changed so far.
#[derive(Default)]
pub struct Undo {
    /// Temporary files that may exist now: removed whatever happens.
    pub temps: Vec<PathBuf>,
    /// Files this run created, in order.
    pub files: Vec<PathBuf>,
    /// Directories this run created, in order.
    pub dirs: Vec<PathBuf>,
    /// Files this run replaced, each with a hard link to (or a copy of) its original.
    pub replaced: Vec<(PathBuf, PathBuf)>,
}

impl Undo {
    /// Puts the tree back as it was: temporary files, created files, replaced files (their
    /// originals renamed back, owner and mode with them), then the directories, if left empty.
    pub fn roll_back(self) {
        for temp in &self.temps {
            let _ = std::fs::remove_file(temp);
        }
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for (path, original) in self.replaced.iter().rev() {
            let _ = std::fs::rename(original, path);
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }

    /// Keeps the changes: only the temporary files and the originals' backups go.
    pub fn finish(self) {
        for temp in &self.temps {
            let _ = std::fs::remove_file(temp);
        }
        for (_, original) in &self.replaced {
            let _ = std::fs::remove_file(original);
        }
    }
}

static PENDING: Mutex<BTreeMap<u64, Undo>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

/// The open transactions. Held while a step is carried out and recorded, and by the signal
/// handler while it undoes them.
pub fn pending() -> MutexGuard<'static, BTreeMap<u64, Undo>> {
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens a transaction; the first one installs the signal handler.
pub fn begin() -> u64 {
    install_handler();
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    pending().insert(id, Undo::default());
    id
}

/// Closes a transaction: keeps its changes (returning the files it created) or undoes them.
/// Either is done under the lock, so a signal finds the transaction whole or gone.
pub fn end(id: u64, keep: bool) -> Vec<PathBuf> {
    let mut open = pending();
    let mut undo = open.remove(&id).unwrap_or_default();
    if keep {
        let files = std::mem::take(&mut undo.files);
        undo.finish();
        files
    } else {
        undo.roll_back();
        Vec::new()
    }
}

/// Every temporary file starts with this: `.nixscaffold-PID-N.WHAT.tmp`.
pub const TEMP_PREFIX: &str = ".nixscaffold-";

/// A temporary file name in `dir` that no other run uses (it carries this process's id).
pub fn temp_name(dir: &Path, what: &str) -> PathBuf {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        "{TEMP_PREFIX}{}-{n}.{what}.tmp",
        std::process::id()
    ))
}

/// Removes the temporary files in `dir` left by runs that no longer exist (a SIGKILL, a power
/// loss). Called under the repository lock, so no live writer is using them.
pub fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .filter(|n| n.ends_with(".tmp"))
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() as i32 && !alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

const SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

fn install_handler() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new(SIGNALS) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let mut open = pending();
                let undone = !open.is_empty();
                for (_, undo) in std::mem::take(&mut *open) {
                    undo.roll_back();
                }
                if undone {
                    tell!("interrupted: what this run had written was removed; nothing changed");
                }
                // The lock stays held: no other thread writes again before the process ends.
                std::process::exit(128 + signal);
            }
        });
    });
}

/// A hidden hook for the tests only: `NIXSCAFFOLD_TEST_SIGNAL_AT_WRITE=N` raises
/// `NIXSCAFFOLD_TEST_SIGNAL` (INT, TERM or HUP; TERM by default) right after the Nth write of the
/// process, as a user's Ctrl-C or a `kill` would arrive, and waits for the handler to end the run.
pub fn after_write() {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    static AT: OnceLock<Option<usize>> = OnceLock::new();
    let at = AT.get_or_init(|| {
        std::env::var("NIXSCAFFOLD_TEST_SIGNAL_AT_WRITE")
            .ok()
            .and_then(|n| n.parse().ok())
    });
    let count = WRITES.fetch_add(1, Ordering::Relaxed) + 1;
    if *at != Some(count) {
        return;
    }
    let signal = match std::env::var("NIXSCAFFOLD_TEST_SIGNAL").as_deref() {
        Ok("INT") => libc::SIGINT,
        Ok("HUP") => libc::SIGHUP,
        _ => libc::SIGTERM,
    };
    // SAFETY: raising a signal this process handles.
    unsafe { libc::raise(signal) };
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
