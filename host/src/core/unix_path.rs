//! Confinement of Unix socket paths to granted directories.
//!
//! A guest path is never handed to `bind(2)` or `connect(2)` as a string the
//! kernel would resolve from the root. Instead the path is resolved with
//! `openat2(2)` and `RESOLVE_BENEATH` relative to the granted directory's
//! handle, so `..`, absolute symlinks and symlinks swapped in between check
//! and use cannot leave the directory. The socket call then names the
//! resolved file through `/proc/self/fd/N`.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use rustix::fs::{Mode, OFlags, ResolveFlags};
use socket2::SockAddr;

use crate::core::SocketError;
use crate::core::unix_diag::{self, SocketFile};
use crate::policy::{Action, GuestText, Policy};

/// Paths the host builds to name a confined file; the kernel reports them
/// back as socket names, and they mean nothing to a guest.
pub const PROC_FD_PREFIX: &str = "/proc/self/fd/";

/// Whether a path the kernel reports is one the host (this process or
/// another) built to name a confined file: `/proc/self/fd/N…` or
/// `/proc/PID/fd/N…`.
pub fn is_host_made(path: &[u8]) -> bool {
    proc_fd_parts(path).is_some() || path.starts_with(PROC_FD_PREFIX.as_bytes())
}

/// The process and descriptor of `/proc/PID/fd/N/NAME`, the name a
/// confined bind gives the kernel.
fn proc_fd_parts(path: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = path.strip_prefix(b"/proc/")?;
    let (pid, rest) = split_at_slash(rest)?;
    let rest = rest.strip_prefix(b"fd/")?;
    let (fd, _name) = split_at_slash(rest)?;
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    (digits(pid) && digits(fd)).then_some((pid, fd))
}

fn split_at_slash(path: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = path.iter().position(|&b| b == b'/')?;
    Some((&path[..at], &path[at + 1..]))
}

/// The longest Unix socket path Linux accepts (`sizeof(sun_path)`).
const SUN_PATH_MAX: usize = 108;

/// Open a directory to be granted, as an `O_PATH` handle.
pub fn open_dir(path: &Path) -> io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        path,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// A Unix socket address confined to a granted directory, ready for `bind`
/// or `connect`. The handle that anchors it must live until the call is
/// made; after a bind, for as long as the socket, so that the name the
/// kernel keeps for it (`/proc/PID/fd/N/NAME`) still names its directory
/// (see [`for_connect`]).
pub struct ConfinedAddr {
    anchor: OwnedFd,
    /// The address to pass to the socket call.
    pub sockaddr: SockAddr,
}

impl ConfinedAddr {
    /// The directory handle the address names.
    pub fn into_anchor(self) -> OwnedFd {
        self.anchor
    }
}

/// Resolve a guest path for `bind`: its parent directory must lie beneath a
/// granted directory; the last component is created by `bind`, which never
/// follows a symlink there. The decision is audited as a bind.
pub fn for_bind(policy: &Policy, guest_path: &str) -> Result<ConfinedAddr, SocketError> {
    validate(guest_path)?;
    let action = Action::Bind;
    let (grant, rest) = policy.unix_grant_for(action, guest_path)?;
    let Some(Component::Normal(name)) = rest.components().next_back() else {
        return Err(SocketError::errno(libc::EADDRINUSE));
    };
    let parent = rest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let anchor = open_beneath(grant.dir.as_fd(), parent, libc::O_DIRECTORY)
        .map_err(|error| escaped(policy, action, guest_path, error))?;
    policy.unix_allowed(action, guest_path);
    // Named by process id, not `self`, so that another process can tell
    // which directory the socket was bound in.
    let mut proc_path =
        format!("/proc/{}/fd/{}/", std::process::id(), anchor.as_raw_fd()).into_bytes();
    proc_path.extend_from_slice(name.as_bytes());
    let sockaddr = sockaddr_for(&proc_path)?;
    Ok(ConfinedAddr { anchor, sockaddr })
}

/// Resolve a guest path for `connect` or `send-to` (the `action` audited):
/// the whole path, symlinks included, must resolve beneath a granted
/// directory.
pub fn for_connect(
    policy: &Policy,
    action: Action,
    guest_path: &str,
) -> Result<ConfinedAddr, SocketError> {
    validate(guest_path)?;
    let (grant, rest) = policy.unix_grant_for(action, guest_path)?;
    let target = if rest.as_os_str().is_empty() {
        Path::new(".")
    } else {
        rest.as_path()
    };
    let anchor = open_beneath(grant.dir.as_fd(), target, 0)
        .map_err(|error| escaped(policy, action, guest_path, error))?;
    if !bound_beneath(grant, &anchor) {
        return Err(policy.unix_denied(
            action,
            guest_path,
            format!(
                "the socket at `{}` was bound outside its granted directory",
                GuestText(guest_path)
            ),
        ));
    }
    policy.unix_allowed(action, guest_path);
    let sockaddr = sockaddr_for(format!("{PROC_FD_PREFIX}{}", anchor.as_raw_fd()).as_bytes())?;
    Ok(ConfinedAddr { anchor, sockaddr })
}

/// Whether the socket the file `found` names (resolved beneath `grant`)
/// was bound beneath it too. A guest that can also link or rename files
/// (a WASI preopen holding both the granted directory and a socket
/// outside it) could otherwise give an outside socket a name inside. The
/// kernel keeps the name each socket was bound to (`unix_diag`), and it
/// must be one of:
/// - a path under the granted directory, as granted or as it resolves;
/// - `/proc/PID/fd/N/NAME`, a bind confined by a wasock host, whose
///   directory `N` (still open in that process) is the one the file is in.
///
/// Relative names, and files no socket of this network namespace is
/// bound to (stale files, and sockets of other network namespaces), cannot
/// be told apart from an escape by name, and are refused.
fn bound_beneath(grant: &crate::policy::UnixGrant, found: &OwnedFd) -> bool {
    let Ok(stat) = rustix::fs::fstat(found) else {
        return false;
    };
    if rustix::fs::FileType::from_raw_mode(stat.st_mode) != rustix::fs::FileType::Socket {
        // Not a socket: the kernel refuses the connection.
        return true;
    }
    let file = SocketFile {
        device: stat.st_dev,
        inode: stat.st_ino,
    };
    let names = match unix_diag::bound_names(file) {
        Ok(names) => names,
        Err(error) => {
            tracing::debug!(%error, "cannot read the socket diagnostics; refusing the socket");
            return false;
        }
    };
    // No socket of this network namespace is bound to the file: a stale
    // file, or a socket of another namespace that the file system reaches
    // all the same, and whose name cannot be read. Refused either way.
    !names.is_empty() && names.iter().all(|name| named_beneath(grant, found, name))
}

/// Whether the bound `name` of the socket file `found` lies beneath `grant`
/// (see [`bound_beneath`]).
fn named_beneath(grant: &crate::policy::UnixGrant, found: &OwnedFd, name: &[u8]) -> bool {
    if let Some((pid, fd)) = proc_fd_parts(name) {
        let directory = format!(
            "/proc/{}/fd/{}",
            String::from_utf8_lossy(pid),
            String::from_utf8_lossy(fd)
        );
        return same_file(Path::new(&directory), &parent_of(found));
    }
    let name = Path::new(std::ffi::OsStr::from_bytes(name));
    if !name.is_absolute() {
        return false;
    }
    let resolved = std::fs::read_link(format!("{PROC_FD_PREFIX}{}", grant.dir.as_raw_fd()));
    [Some(grant.host.clone()), resolved.ok()]
        .into_iter()
        .flatten()
        .any(|dir| lexically_beneath(name, &dir))
}

/// The directory the file `found` is in now.
fn parent_of(found: &OwnedFd) -> std::path::PathBuf {
    std::fs::read_link(format!("{PROC_FD_PREFIX}{}", found.as_raw_fd()))
        .ok()
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Whether `path` names something strictly beneath `dir`, by its
/// components alone (no `..`).
fn lexically_beneath(path: &Path, dir: &Path) -> bool {
    let mut rest = path.components();
    dir.components().all(|wanted| rest.next() == Some(wanted))
        && rest.clone().next().is_some()
        && rest.all(|c| matches!(c, Component::Normal(_)))
}

/// Reject what Linux rejects before any resolution.
fn validate(guest_path: &str) -> Result<(), SocketError> {
    if guest_path.is_empty() {
        return Err(SocketError::errno(libc::ENOENT));
    }
    if guest_path.contains('\0') {
        return Err(SocketError::with_message(
            libc::EINVAL,
            "Unix socket path contains a NUL byte",
        ));
    }
    if guest_path.len() > SUN_PATH_MAX {
        return Err(SocketError::with_message(
            libc::EINVAL,
            "AF_UNIX path too long",
        ));
    }
    Ok(())
}

fn sockaddr_for(path: &[u8]) -> Result<SockAddr, SocketError> {
    SockAddr::unix(std::ffi::OsStr::from_bytes(path)).map_err(|_| {
        SocketError::with_message(
            libc::ENAMETOOLONG,
            "Unix socket path too long once confined",
        )
    })
}

/// Escaping the granted directory (`EXDEV` from `openat2`) is a policy
/// denial; other errors are the kernel's.
fn escaped(policy: &Policy, action: Action, guest_path: &str, error: io::Error) -> SocketError {
    match error.raw_os_error() {
        Some(libc::EXDEV) => policy.unix_denied(
            action,
            guest_path,
            format!(
                "Unix socket path `{}` resolves outside its granted directory",
                GuestText(guest_path)
            ),
        ),
        _ => error.into(),
    }
}

/// How often a resolution that raced with a rename elsewhere on the system
/// is retried before its `EAGAIN` reaches the guest.
const RENAME_RACE_RETRIES: usize = 256;

/// `openat2(dir, path, O_PATH | flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`.
///
/// With `RESOLVE_BENEATH` the kernel answers `EAGAIN` when a rename or
/// mount anywhere on the system ran while it resolved a `..` component, and
/// asks the caller to retry (openat2(2)); a blocking `connect` must not see
/// that as "would block", so the call is retried here a bounded number of
/// times.
fn open_beneath(dir: BorrowedFd<'_>, path: &Path, flags: i32) -> io::Result<OwnedFd> {
    if path.as_os_str().as_bytes().contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut attempts = 0;
    loop {
        match openat2_beneath(dir, path, flags) {
            Err(error)
                if error.raw_os_error() == Some(libc::EAGAIN) && attempts < RENAME_RACE_RETRIES =>
            {
                attempts += 1;
                std::thread::yield_now();
            }
            result => return result,
        }
    }
}

/// One `openat2` call; see [`open_beneath`].
fn openat2_beneath(dir: BorrowedFd<'_>, path: &Path, flags: i32) -> io::Result<OwnedFd> {
    let flags = OFlags::from_bits_retain(flags as u32);
    Ok(rustix::fs::openat2(
        dir,
        path,
        OFlags::PATH | OFlags::CLOEXEC | flags,
        Mode::empty(),
        ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
    )?)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    /// Renames elsewhere on the system make the kernel answer `EAGAIN` to a
    /// `RESOLVE_BENEATH` lookup of `..`; `open_beneath` must absorb that.
    #[test]
    fn dot_dot_resolution_survives_concurrent_renames() {
        let root = std::env::temp_dir().join(format!("wasock-rename-race-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let dir = open_dir(&root).unwrap();
        let stop = AtomicBool::new(false);
        let (mut raw_races, mut resolved) = (0, 0);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let (a, b) = (root.join("a"), root.join("b"));
                std::fs::write(&a, b"").unwrap();
                while !stop.load(Ordering::Relaxed) {
                    std::fs::rename(&a, &b).unwrap();
                    std::fs::rename(&b, &a).unwrap();
                }
            });
            let path = Path::new("sub/../sub/../sub");
            let deadline = Instant::now() + Duration::from_secs(1);
            while Instant::now() < deadline {
                let raw = openat2_beneath(dir.as_fd(), path, libc::O_DIRECTORY);
                if raw.is_err_and(|e| e.raw_os_error() == Some(libc::EAGAIN)) {
                    raw_races += 1;
                }
                open_beneath(
                    dir.as_fd(),
                    Path::new("sub/../sub/../sub"),
                    libc::O_DIRECTORY,
                )
                .expect("a path that stays inside resolves despite renames");
                resolved += 1;
            }
            stop.store(true, Ordering::Relaxed);
        });
        std::fs::remove_dir_all(&root).unwrap();
        eprintln!("{resolved} resolutions, {raw_races} raw openat2 calls raced with a rename");
        assert!(resolved > 0);
    }
}
