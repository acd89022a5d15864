//! One writer at a time per repository. Every command that changes a repository (`new`, `add-*`)
//! holds an advisory lock (`flock`) on the repository's top directory itself from before it reads
//! `.nixscaffold.yaml` until its files are written, recorded and added to git: a second run waits
//! (reporting that it does, up to [`WAIT_SECONDS`], or `NIXSCAFFOLD_LOCK_WAIT` seconds), then
//! stops with exit 2 and changes nothing. Locking the directory, not a file in it, leaves nothing
//! to keep out of git and survives the rename that replaces `.nixscaffold.yaml`. The kernel drops
//! the lock when the process ends, however it ends. Readers (`check`, `--dry-run`) take no lock:
//! every file is replaced atomically, so they see it before or after a change, never torn.

use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long a second writer waits for the first, by default.
pub const WAIT_SECONDS: u64 = 60;

/// The held lock; released when dropped or when the process ends.
pub struct RepoLock {
    _dir: std::fs::File,
}

/// Takes the lock on `repo` (a directory), waiting a bounded time for another writer.
pub fn acquire(repo: &Path) -> Result<RepoLock> {
    let dir = std::fs::File::open(repo).map_err(|e| Error::io("open", repo, e))?;
    let wait = std::env::var("NIXSCAFFOLD_LOCK_WAIT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(WAIT_SECONDS);
    let started = Instant::now();
    let mut told = false;
    loop {
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            crate::undo::sweep_stale(repo);
            return Ok(RepoLock { _dir: dir });
        }
        let error = std::io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(Error::io("lock", repo, error));
        }
        if started.elapsed() >= Duration::from_secs(wait) {
            return Err(Error::usage(format!(
                "another nixscaffold run is still changing {} after {wait} s of waiting; nothing was \
                 changed. Run this again when it is done (NIXSCAFFOLD_LOCK_WAIT=SECONDS waits longer)",
                repo.display()
            )));
        }
        if !told {
            tell!(
                "waiting for another nixscaffold run to finish changing {} (up to {wait} s)…",
                repo.display()
            );
            told = true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
