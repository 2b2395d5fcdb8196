//! One-shot `poll(2)` over many sockets without holding a host thread.
//!
//! The sockets are first checked with a zero-timeout `poll(2)`. If none is
//! ready and the caller may wait, a temporary level-triggered [`Poller`] of
//! the same sockets is awaited, and the check is repeated when it fires.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec};
use tokio::time::Instant;

use crate::core::SocketError;
use crate::core::poller::Poller;

/// A zero timeout: check, do not wait.
const NOW: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 0,
};

/// One socket to watch: its fd (`None` if closed) and `POLL*` interest bits.
#[derive(Debug, Clone, Copy)]
pub struct PollTarget<'fd> {
    /// The socket's fd, or `None` for a closed socket (reported `POLLNVAL`).
    pub fd: Option<BorrowedFd<'fd>>,
    /// `POLLIN`, `POLLPRI`, `POLLOUT`, `POLLRDHUP` bits.
    pub events: i16,
}

/// Wait until a target is ready or the timeout expires; return the index
/// and `revents` of every ready target.
pub async fn poll(
    targets: &[PollTarget<'_>],
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

/// `poll(2)` with a zero timeout. Closed targets are not passed to the
/// kernel and report `POLLNVAL`.
fn poll_now(targets: &[PollTarget<'_>]) -> Result<Vec<(u32, i16)>, SocketError> {
    let mut fds: Vec<PollFd<'_>> = targets
        .iter()
        .filter_map(|target| {
            let events = PollFlags::from_bits_retain(target.events as u16);
            Some(PollFd::from_borrowed_fd(target.fd?, events))
        })
        .collect();
    rustix::event::poll(&mut fds, Some(&NOW)).map_err(io::Error::from)?;
    let mut polled = fds.iter();
    Ok(targets
        .iter()
        .enumerate()
        .filter_map(|(index, target)| {
            let revents = match target.fd {
                None => libc::POLLNVAL,
                Some(_) => polled.next().map_or(0, |fd| fd.revents().bits() as i16),
            };
            (revents != 0).then_some((index as u32, revents))
        })
        .collect())
}

/// A level-triggered poller watching every open target. A socket listed
/// more than once is watched for all the events its entries ask for.
fn watching(targets: &[PollTarget<'_>]) -> Result<Poller, SocketError> {
    let mut interest: HashMap<RawFd, (BorrowedFd<'_>, i16)> = HashMap::new();
    for target in targets {
        if let Some(fd) = target.fd {
            interest.entry(fd.as_raw_fd()).or_insert((fd, 0)).1 |= target.events;
        }
    }
    let mut poller = Poller::new(interest.len())?;
    for (fd, events) in interest.into_values() {
        // The key is unused: a wake-up only repeats the `poll(2)` check.
        poller.add(fd, 0, events, false)?;
    }
    Ok(poller)
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;
    use std::os::fd::AsFd;

    use super::*;

    /// A socket listed twice wakes the wait for the events of either entry.
    #[tokio::test(flavor = "current_thread")]
    async fn a_socket_listed_twice_is_watched_for_both_entries() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = socket.local_addr().unwrap();
        let fd = Some(socket.as_fd());
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

    /// Closed targets report `POLLNVAL` at their own index, and the open
    /// ones around them keep theirs.
    #[tokio::test(flavor = "current_thread")]
    async fn closed_targets_report_nval_in_place() {
        let (quiet, ready) = (
            UdpSocket::bind("127.0.0.1:0").unwrap(),
            UdpSocket::bind("127.0.0.1:0").unwrap(),
        );
        quiet.send_to(b"x", ready.local_addr().unwrap()).unwrap();
        let target = |fd| PollTarget {
            fd,
            events: libc::POLLIN,
        };
        let targets = [
            target(None),
            target(Some(quiet.as_fd())),
            target(None),
            target(Some(ready.as_fd())),
        ];
        let found = poll(&targets, Some(Duration::ZERO)).await.unwrap();
        assert_eq!(
            found,
            [(0, libc::POLLNVAL), (2, libc::POLLNVAL), (3, libc::POLLIN)]
        );
    }
}
