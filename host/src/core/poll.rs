//! One-shot `poll(2)` over many sockets without holding a host thread.
//!
//! The sockets are first checked with a zero-timeout `poll(2)`. If none is
//! ready and the caller may wait, a temporary level-triggered [`Poller`] of
//! the same sockets is awaited, and the check is repeated when it fires.

use std::collections::HashMap;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use tokio::time::Instant;

use crate::core::SocketError;
use crate::core::poller::Poller;

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
    let mut waiter: Option<Poller> = None;
    loop {
        let ready = poll_now(targets)?;
        if !ready.is_empty() || timeout.is_some_and(|t| t.is_zero()) {
            return Ok(ready);
        }
        let waiter = match &mut waiter {
            Some(waiter) => waiter,
            None => waiter.insert(watching(targets)?),
        };
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if waiter.wait(1, remaining).await?.is_empty() {
            return Ok(Vec::new());
        }
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

/// A level-triggered poller watching every open target. A socket listed
/// more than once is watched for all the events its entries ask for.
fn watching(targets: &[PollTarget]) -> Result<Poller, SocketError> {
    let mut interest: HashMap<RawFd, i16> = HashMap::new();
    for target in targets {
        if let Some(fd) = target.fd {
            *interest.entry(fd).or_default() |= target.events;
        }
    }
    let mut poller = Poller::new(interest.len())?;
    for (fd, events) in interest {
        // The key is unused: a wake-up only repeats the `poll(2)` check.
        poller.register(Some(fd), 0, events, false)?;
    }
    Ok(poller)
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;
    use std::os::fd::AsRawFd;

    use super::*;

    /// A socket listed twice wakes the wait for the events of either entry.
    #[tokio::test(flavor = "current_thread")]
    async fn a_socket_listed_twice_is_watched_for_both_entries() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = socket.local_addr().unwrap();
        let fd = Some(socket.as_raw_fd());
        let targets = [
            PollTarget {
                fd,
                events: libc::POLLPRI,
            },
            PollTarget {
                fd,
                events: libc::POLLIN,
            },
        ];
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .send_to(b"wake", address)
                .unwrap();
        });
        let ready = poll(&targets, Some(Duration::from_secs(10))).await.unwrap();
        sender.join().unwrap();
        assert_eq!(ready, [(1, libc::POLLIN)]);
    }
}
