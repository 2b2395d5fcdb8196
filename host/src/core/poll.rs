//! One-shot `poll(2)` over many sockets without holding a host thread.
//!
//! The sockets are first checked with a zero-timeout `poll(2)`. If none is
//! ready and the caller may wait, a temporary level-triggered epoll set of
//! the same sockets is awaited through tokio (an epoll fd is itself
//! pollable), and the check is repeated when it fires.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use crate::core::SocketError;

/// One socket to watch: its fd (`None` if closed) and `POLL*` interest bits.
#[derive(Debug, Clone, Copy)]
pub struct PollTarget {
    /// The socket's fd, or `None` for a closed socket (reported `POLLNVAL`).
    pub fd: Option<RawFd>,
    /// `POLLIN`, `POLLPRI`, `POLLOUT`, `POLLRDHUP` bits.
    pub events: i16,
}

/// Wait until a target is ready or the timeout expires; return the index
/// and `revents` of every ready target.
pub async fn poll(
    targets: &[PollTarget],
    timeout: Option<Duration>,
) -> Result<Vec<(u32, i16)>, SocketError> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut waiter: Option<AsyncFd<OwnedFd>> = None;
    loop {
        let ready = poll_now(targets)?;
        if !ready.is_empty() || timeout.is_some_and(|t| t.is_zero()) {
            return Ok(ready);
        }
        if waiter.is_none() {
            let epoll = epoll_set(targets)?;
            // SAFETY: the `AsyncFd` owns the epoll fd, which stays open for
            // as long as the registration exists.
            waiter = Some(
                unsafe { AsyncFd::register_with_interest(epoll, Interest::READABLE) }
                    .map_err(std::io::Error::from)?,
            );
        }
        let Some(epoll) = &waiter else {
            unreachable!("the waiter was just created")
        };
        let readable = epoll.readable();
        let mut guard = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, readable).await {
                Ok(guard) => guard?,
                Err(_) => return Ok(Vec::new()),
            },
            None => readable.await?,
        };
        guard.clear_ready();
    }
}

/// `poll(2)` with a zero timeout.
fn poll_now(targets: &[PollTarget]) -> Result<Vec<(u32, i16)>, SocketError> {
    let mut fds: Vec<libc::pollfd> = targets
        .iter()
        .map(|t| libc::pollfd {
            fd: t.fd.unwrap_or(-1),
            events: t.events,
            revents: 0,
        })
        .collect();
    // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error().into());
    }
    Ok(fds
        .iter()
        .zip(targets)
        .enumerate()
        .filter_map(|(index, (fd, target))| {
            let revents = if target.fd.is_none() {
                libc::POLLNVAL
            } else {
                fd.revents
            };
            (revents != 0).then_some((index as u32, revents))
        })
        .collect())
}

/// A level-triggered epoll set watching every open target.
fn epoll_set(targets: &[PollTarget]) -> Result<OwnedFd, SocketError> {
    // SAFETY: epoll_create1 has no pointer arguments.
    let raw = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if raw < 0 {
        return Err(io::Error::last_os_error().into());
    }
    // SAFETY: `raw` is a new fd owned by nobody else.
    let epoll = unsafe { OwnedFd::from_raw_fd(raw) };
    for target in targets {
        let Some(fd) = target.fd else { continue };
        let mut event = libc::epoll_event {
            events: epoll_bits(target.events),
            u64: fd as u64,
        };
        // SAFETY: valid epoll fd, socket fd and event pointer.
        let rc = unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
        if rc < 0 {
            let error = io::Error::last_os_error();
            // The same socket listed twice is already in the set.
            if error.raw_os_error() != Some(libc::EEXIST) {
                return Err(error.into());
            }
        }
    }
    Ok(epoll)
}

fn epoll_bits(events: i16) -> u32 {
    let mut bits = 0;
    for (poll_bit, epoll_bit) in [
        (libc::POLLIN, libc::EPOLLIN),
        (libc::POLLPRI, libc::EPOLLPRI),
        (libc::POLLOUT, libc::EPOLLOUT),
        (libc::POLLRDHUP, libc::EPOLLRDHUP),
    ] {
        if events & poll_bit != 0 {
            bits |= epoll_bit as u32;
        }
    }
    bits
}
