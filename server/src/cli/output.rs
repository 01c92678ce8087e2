//! Writing results: to stdout, or to a path.
//!
//! A regular file, or a path that does not exist yet, is replaced whole: the
//! bytes go to a temporary file beside it, which is then renamed into place, so
//! a reader never sees half of it, and the temporary file is removed on any
//! error and on SIGINT or SIGTERM. A symlink is followed: its target is
//! replaced and the link stays. Anything else a path can name (a character or
//! block device, a FIFO, `/dev/stdout`, a process substitution's `/dev/fd/N`)
//! cannot be renamed over without destroying it, so it is opened and written
//! in place. A read-only file is refused, as the shell's `>` refuses it (even
//! for root), and a file with other hard links is written in place (truncated
//! first) so that every name sees the new contents, as `>` would.

use super::CliError;
use simulation::ScenarioError;
use std::fs::{self, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use tempfile::NamedTempFile;

/// The formats results come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values, one row per day.
    Csv,
    /// JSON with the series, summary and scenario.
    Json,
}

/// `--provenance`: where a file came from, in the file (see `crate::provenance`).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ProvenanceArg {
    /// Lead the output with where it came from: the share link that reproduces
    /// it (at $HASHLAB_PUBLIC_URL, else http://127.0.0.1:3000), the model
    /// version, the seed and the time. JSON gets a `provenance` key first; a
    /// CSV gets `#` lines before its header (pandas: `comment="#"`, R:
    /// `comment.char = "#"`). Off by default: the plain output stays the same
    /// bytes for the same scenario.
    #[arg(long)]
    provenance: bool,
}

impl ProvenanceArg {
    /// `bytes` (a `format` document of `what`, e.g. "Monte Carlo bands") of
    /// `scenario`'s runs, with its provenance when asked for.
    pub fn stamp(&self, bytes: Vec<u8>, format: Format, scenario: &simulation::Scenario, what: &str) -> Result<Vec<u8>, CliError> {
        if !self.provenance {
            return Ok(bytes);
        }
        let site =
            crate::config::public_url().map_err(CliError::usage)?.unwrap_or_else(|| format!("http://{}", crate::config::DEFAULT_ADDR));
        let provenance = app::provenance::Provenance::of(scenario, &site);
        Ok(match format {
            Format::Json => provenance.prefix_json(&bytes),
            Format::Csv => [provenance.csv_comments(what).into_bytes(), bytes].concat(),
        })
    }
}

/// How many symlinks are followed before giving up (Linux's own limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// The mode of a new file before the umask, as `std::fs::write` creates it.
const NEW_FILE_MODE: u32 = 0o666;

/// Writes `bytes` to `out`, or to stdout when `out` is `None` (see the module
/// documentation for how each kind of path is written).
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        return ignore_broken_pipe(stdout.write_all(bytes).and_then(|_| stdout.flush())).map_err(|e| CliError::io("writing to stdout", e));
    };
    match destination(path)? {
        Destination::Replace { target, permissions } => replace(&target, permissions, bytes),
        Destination::InPlace { target, append } => {
            // A regular file written in place (hard-linked) is truncated first; a device or FIFO is not.
            let truncate = !append && fs::metadata(&target).is_ok_and(|m| m.is_file());
            let mut file = OpenOptions::new()
                .write(true)
                .append(append)
                .truncate(truncate)
                .open(&target)
                .map_err(|e| CliError::io(format!("opening {}", path.display()), e))?;
            ignore_broken_pipe(file.write_all(bytes).and_then(|_| file.flush()))
                .map_err(|e| CliError::io(format!("writing {}", path.display()), e))
        }
    }
}

/// A reader that stopped early (`| head`, a FIFO's reader leaving) is not an error.
fn ignore_broken_pipe(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Where and how a path is written.
#[derive(Debug, PartialEq)]
enum Destination {
    /// A regular file (its permissions kept) or a new path: replaced whole.
    Replace { target: PathBuf, permissions: Option<Permissions> },
    /// Anything else: opened and written as it is. A regular file reached
    /// through a descriptor link (`/dev/stdout` redirected to a file) is
    /// appended to, as the shell's own writes to it would be.
    InPlace { target: PathBuf, append: bool },
}

/// Follows `path`'s symlinks to what it names, and decides how to write it.
fn destination(path: &Path) -> Result<Destination, CliError> {
    let not_a_directory = || {
        CliError::from(ScenarioError::new(
            "out",
            format!("{} is a directory", path.display()),
            "a file path (new or existing), a device or a FIFO",
        ))
    };
    let inspecting = |e| CliError::io(format!("inspecting {}", path.display()), e);
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        if is_descriptor_link(&current) {
            // `/proc/self/fd/1` links to "pipe:[1234]" or a deleted file: its
            // target is no path to rename over, so write the descriptor itself.
            let meta = fs::metadata(&current).map_err(inspecting)?;
            if meta.is_dir() {
                return Err(not_a_directory());
            }
            return Ok(Destination::InPlace { target: current, append: meta.is_file() });
        }
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current).map_err(inspecting)?;
                // A relative target is relative to the link's directory; `join` keeps an absolute one.
                current = current.parent().map_or_else(|| link.clone(), |parent| parent.join(&link));
            }
            Ok(meta) if meta.is_dir() => return Err(not_a_directory()),
            Ok(meta) if meta.is_file() && meta.permissions().mode() & 0o222 == 0 => {
                // The shell's `>` refuses a read-only file; so does `--out` (root included).
                return Err(CliError::from(ScenarioError::new(
                    "out",
                    format!("{} is read-only", current.display()),
                    "a writable file, or a new path (make it writable with chmod u+w to replace it)",
                )));
            }
            // A file with other hard links is written in place, as `>` writes it:
            // replacing it would leave the other names on the old contents.
            Ok(meta) if meta.is_file() && meta.nlink() > 1 => return Ok(Destination::InPlace { target: current, append: false }),
            Ok(meta) if meta.is_file() => return Ok(Destination::Replace { target: current, permissions: Some(meta.permissions()) }),
            Ok(_) => return Ok(Destination::InPlace { target: current, append: false }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Destination::Replace { target: current, permissions: None }),
            Err(e) => return Err(inspecting(e)),
        }
    }
    Err(CliError::usage(format!("{}: more than {MAX_SYMLINK_HOPS} symbolic links to follow", path.display())))
}

/// Whether `path` is one of the kernel's links to an open descriptor
/// (`/dev/stdout`, `/dev/fd/N`, `/proc/<pid>/fd/N`), by its spelling.
fn is_descriptor_link(path: &Path) -> bool {
    path.starts_with("/proc")
        || path.starts_with("/dev/fd")
        || ["/dev/stdin", "/dev/stdout", "/dev/stderr"].iter().any(|p| path == Path::new(p))
}

/// Replaces `target` whole with `bytes`, through a temporary file beside it.
fn replace(target: &Path, permissions: Option<Permissions>, bytes: &[u8]) -> Result<(), CliError> {
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let writing = |e| CliError::io(format!("writing {}", target.display()), e);
    let mut pending = Pending::create(directory, &name, permissions).map_err(writing)?;
    pending.write_all(bytes).map_err(writing)?;
    pending.persist(target).map_err(|e| CliError::io(format!("moving the new {} into place", target.display()), e))
}

/// The path of the temporary file being written, if any: what a signal removes.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A temporary file on its way to replacing a destination. Dropped before
/// [`Pending::persist`] (an error on the way), it is removed; a SIGINT or
/// SIGTERM meanwhile removes it too, then ends the process as the signal would.
struct Pending(Option<NamedTempFile>);

impl Pending {
    fn create(directory: &Path, name: &str, permissions: Option<Permissions>) -> std::io::Result<Self> {
        watch_signals();
        let mut slot = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A new file gets the mode `std::fs::write` would give it (the umask applies).
        builder.permissions(Permissions::from_mode(NEW_FILE_MODE));
        let file = builder.tempfile_in(directory)?;
        *slot = Some(file.path().to_path_buf());
        let pending = Self(Some(file));
        if let Some(permissions) = permissions {
            // An existing file keeps its own mode.
            pending.file().as_file().set_permissions(permissions)?;
        }
        Ok(pending)
    }

    fn file(&self) -> &NamedTempFile {
        self.0.as_ref().expect("present until persisted or dropped")
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let file = self.0.as_mut().expect("present until persisted or dropped");
        file.write_all(bytes)?;
        file.as_file().sync_all()
    }

    /// Renames the file over `target`; on failure it is removed.
    fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let file = self.0.take().expect("present until persisted or dropped");
        let mut slot = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        // On an error the temporary file comes back inside it and is removed as it drops.
        let result = file.persist(target).map(drop).map_err(|e| e.error);
        *slot = None;
        result
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(file) = self.0.take() {
            let mut slot = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
            drop(file);
            *slot = None;
        }
    }
}

/// Removes the temporary file being written, if any. The lock is held by the
/// caller so that no new one appears before the process ends.
fn remove_pending(slot: &mut Option<PathBuf>) {
    if let Some(path) = slot.take() {
        let _ = fs::remove_file(path);
    }
}

/// Installs, once, a thread that on SIGINT or SIGTERM removes the temporary
/// file being written and then lets the signal end the process as it would
/// have (same exit status for the shell).
fn watch_signals() {
    static WATCHING: OnceLock<()> = OnceLock::new();
    WATCHING.get_or_init(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        // Without the hook a signal still ends the process, only the temporary file may stay.
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let mut slot = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
                remove_pending(&mut slot);
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    /// These tests share [`PENDING`]: one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect()
    }

    #[test]
    fn a_signal_removes_the_temporary_file_being_written() {
        let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        let mut pending = Pending::create(dir.path(), "out.csv", None).unwrap();
        pending.write_all(b"half").unwrap();
        let temporary = pending.file().path().to_path_buf();
        assert!(temporary.exists() && PENDING.lock().unwrap().as_deref() == Some(temporary.as_path()));
        // What the signal thread does before the process ends.
        remove_pending(&mut PENDING.lock().unwrap());
        assert!(!temporary.exists(), "removed: {:?}", leftovers(dir.path()));
        drop(pending);
        assert!(leftovers(dir.path()).is_empty());
    }

    /// Where [`signalled_while_writing`] writes, and the signal it sends itself.
    const CHILD_DIR: &str = "HASHLAB_TEST_SIGNAL_DIR";
    const CHILD_SIGNAL: &str = "HASHLAB_TEST_SIGNAL";

    /// Not a test of its own: run in a child process by
    /// `a_signal_while_writing_removes_the_temporary_file_and_ends_the_process`,
    /// it starts writing, then signals itself, which must end it.
    #[test]
    #[ignore = "a child process of a_signal_while_writing_removes_the_temporary_file_and_ends_the_process"]
    fn signalled_while_writing() {
        let (Some(dir), Some(signal)) = (std::env::var_os(CHILD_DIR), std::env::var(CHILD_SIGNAL).ok()) else {
            eprintln!("note: only meaningful as the child process of its parent test");
            return;
        };
        let mut pending = Pending::create(Path::new(&dir), "out.csv", None).unwrap();
        pending.write_all(b"half").unwrap();
        signal_hook::low_level::raise(signal.parse().unwrap()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(30));
        panic!("the signal should have ended the process");
    }

    #[test]
    fn a_signal_while_writing_removes_the_temporary_file_and_ends_the_process() {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use std::os::unix::process::ExitStatusExt;
        for signal in [SIGTERM, SIGINT] {
            let dir = tempfile::tempdir().unwrap();
            let child = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "cli::output::tests::signalled_while_writing", "--ignored", "--test-threads", "1"])
                .env(CHILD_DIR, dir.path())
                .env(CHILD_SIGNAL, signal.to_string())
                .output()
                .unwrap();
            let status = child.status;
            assert_eq!(status.signal(), Some(signal), "ended by the signal, as without the hook: {status:?}");
            assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "signal {signal}");
        }
    }

    #[test]
    fn an_error_before_the_rename_leaves_nothing_behind() {
        let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        let mut pending = Pending::create(dir.path(), "out.csv", None).unwrap();
        pending.write_all(b"half").unwrap();
        // Renaming a file over a non-empty directory fails.
        let occupied = dir.path().join("occupied");
        fs::create_dir(&occupied).unwrap();
        fs::write(occupied.join("x"), b"x").unwrap();
        assert!(pending.persist(&occupied).is_err());
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        assert!(PENDING.lock().unwrap().is_none());
    }

    #[test]
    fn an_existing_file_keeps_its_mode_and_a_new_one_gets_the_usual_mode() {
        let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("existing.csv");
        fs::write(&existing, b"old").unwrap();
        fs::set_permissions(&existing, Permissions::from_mode(0o640)).unwrap();
        write_output(Some(&existing), b"new").unwrap();
        assert_eq!(fs::read(&existing).unwrap(), b"new");
        assert_eq!(fs::metadata(&existing).unwrap().permissions().mode() & 0o777, 0o640);
        let fresh = dir.path().join("fresh.csv");
        write_output(Some(&fresh), b"fresh").unwrap();
        let usual = dir.path().join("usual.csv");
        fs::write(&usual, b"usual").unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&usual), "as std::fs::write would create it, not the temporary file's 0600");
    }

    #[test]
    fn descriptor_links_are_written_in_place_and_symlinks_followed() {
        let dir = tempfile::tempdir().unwrap();
        let open = fs::File::create(dir.path().join("open.csv")).unwrap();
        let descriptor = PathBuf::from(format!("/proc/self/fd/{}", open.as_raw_fd()));
        assert_eq!(destination(&descriptor).unwrap(), Destination::InPlace { target: descriptor.clone(), append: true });
        let target = dir.path().join("target.csv");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("target.csv", &link).unwrap();
        assert_eq!(destination(&link).unwrap(), Destination::Replace { target: dir.path().join("target.csv"), permissions: None });
        fs::write(&target, b"x").unwrap();
        assert!(matches!(destination(&link).unwrap(), Destination::Replace { target: t, permissions: Some(_) } if t == target));
        let looping = dir.path().join("loop");
        std::os::unix::fs::symlink("loop", &looping).unwrap();
        assert_eq!(destination(&looping).unwrap_err().exit_code(), 2);
    }
}
