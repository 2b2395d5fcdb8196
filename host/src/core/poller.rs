//! `Poller`: a persistent epoll set of a guest's sockets, waited on without
//! holding a host thread.
//!
//! `wait` first asks the kernel with a zero timeout. Only when nothing is
//! ready and the caller may wait does it await the epoll fd's readability
//! through tokio (an epoll fd is readable while its ready list is not
//! empty), up to the deadline, and ask again. A wait therefore costs what
//! is ready, not what is registered.

use std::collections::HashMap;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use crate::core::SocketError;

/// `POLL*` bits and their `EPOLL*` equivalents. `POLLERR` and `POLLHUP` are
/// reported whether asked for or not; `POLLNVAL` has no epoll equivalent (a
/// closed socket leaves the set).
const EVENT_BITS: [(i16, libc::c_int); 6] = [
    (libc::POLLIN, libc::EPOLLIN),
    (libc::POLLPRI, libc::EPOLLPRI),
    (libc::POLLOUT, libc::EPOLLOUT),
    (libc::POLLRDHUP, libc::EPOLLRDHUP),
    (libc::POLLERR, libc::EPOLLERR),
    (libc::POLLHUP, libc::EPOLLHUP),
];

/// The identity of an open socket: `st_dev` and `st_ino` of its fd.
type FileId = (u64, u64);

/// A guest's epoll instance.
pub struct Poller {
    /// The epoll fd, registered with tokio for readability.
    epoll: AsyncFd<OwnedFd>,
    /// The sockets added and not removed, by fd, with the identity of the
    /// socket each fd held when it was added. The kernel drops a socket from
    /// the set when the socket closes; a changed identity (or a closed fd)
    /// tells that an entry is gone, and [`Poller::forget_closed`] stops
    /// counting it.
    registered: HashMap<RawFd, FileId>,
    /// Most sockets in the set.
    limit: usize,
}

impl Poller {
    /// An empty set holding at most `limit` sockets, like `epoll_create1(2)`.
    pub fn new(limit: usize) -> Result<Poller, SocketError> {
        // SAFETY: epoll_create1 has no pointer arguments.
        let raw = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if raw < 0 {
            return Err(io::Error::last_os_error().into());
        }
        // SAFETY: `raw` is a new fd owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: the `AsyncFd` owns the epoll fd, which stays open for as
        // long as the registration exists.
        let epoll = unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }
            .map_err(io::Error::from)?;
        Ok(Poller {
            epoll,
            registered: HashMap::new(),
            limit,
        })
    }

    /// `EPOLL_CTL_ADD`: watch the socket `fd` (`None` once closed) for the
    /// `POLL*` bits of `events`, reported with `key`.
    ///
    /// Fails with `EEXIST` if it is in the set, `EBADF` if closed, and
    /// `ENOBUFS` when the set is full (the guest's limit, or the kernel's
    /// `max_user_watches`, which epoll reports as `ENOSPC`).
    pub fn register(
        &mut self,
        fd: Option<RawFd>,
        key: u64,
        events: i16,
        edge_triggered: bool,
    ) -> Result<(), SocketError> {
        let fd = open(fd)?;
        let id = file_id(fd)?;
        if !self.registered.contains_key(&fd) && self.registered.len() >= self.limit {
            self.forget_closed();
            if self.registered.len() >= self.limit {
                return Err(SocketError::with_message(
                    libc::ENOBUFS,
                    format!(
                        "the poller holds the guest's limit of {} sockets",
                        self.limit
                    ),
                ));
            }
        }
        self.control(libc::EPOLL_CTL_ADD, fd, key, events, edge_triggered)?;
        self.registered.insert(fd, id);
        Ok(())
    }

    /// `EPOLL_CTL_MOD`: change the key, events and trigger of a socket in
    /// the set; `ENOENT` if it is not in the set.
    pub fn modify(
        &mut self,
        fd: Option<RawFd>,
        key: u64,
        events: i16,
        edge_triggered: bool,
    ) -> Result<(), SocketError> {
        self.control(libc::EPOLL_CTL_MOD, open(fd)?, key, events, edge_triggered)
    }

    /// `EPOLL_CTL_DEL`: remove a socket from the set; `ENOENT` if it is not
    /// in the set.
    pub fn deregister(&mut self, fd: Option<RawFd>) -> Result<(), SocketError> {
        let fd = open(fd)?;
        self.control(libc::EPOLL_CTL_DEL, fd, 0, 0, false)?;
        self.registered.remove(&fd);
        Ok(())
    }

    /// `epoll_wait(2)` without holding a thread: the key and `POLL*` bits of
    /// at most `max_events` ready sockets, or nothing once `timeout`
    /// expires. `None` waits without limit; zero only checks.
    pub async fn wait(
        &self,
        max_events: usize,
        timeout: Option<Duration>,
    ) -> Result<Vec<(u64, i16)>, SocketError> {
        if max_events == 0 {
            return Err(SocketError::with_message(
                libc::EINVAL,
                "a wait must accept at least one event",
            ));
        }
        // No more sockets can be ready than the set holds; a socket the
        // count misses (see `registered`) waits for the next call.
        let capacity = max_events.min(self.registered.len()).max(1);
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let ready = self.ready_now(capacity)?;
            if !ready.is_empty() || timeout.is_some_and(|t| t.is_zero()) {
                return Ok(ready);
            }
            let readable = self.epoll.readable();
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

    /// `epoll_wait(2)` with a zero timeout.
    fn ready_now(&self, capacity: usize) -> Result<Vec<(u64, i16)>, SocketError> {
        let mut events = Vec::<libc::epoll_event>::with_capacity(capacity);
        let max = libc::c_int::try_from(capacity).unwrap_or(libc::c_int::MAX);
        let count = loop {
            // SAFETY: `events` has room for `max` entries.
            let n =
                unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), events.as_mut_ptr(), max, 0) };
            if n >= 0 {
                break n as usize;
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error.into());
            }
        };
        // SAFETY: the kernel initialized the first `count` entries.
        unsafe { events.set_len(count) };
        Ok(events
            .iter()
            .map(|event| {
                let (key, bits) = (event.u64, event.events);
                (key, poll_bits(bits))
            })
            .collect())
    }

    /// One `epoll_ctl(2)` call.
    fn control(
        &self,
        op: libc::c_int,
        fd: RawFd,
        key: u64,
        events: i16,
        edge_triggered: bool,
    ) -> Result<(), SocketError> {
        let mut bits = epoll_bits(events);
        if edge_triggered {
            bits |= libc::EPOLLET as u32;
        }
        let mut event = libc::epoll_event {
            events: bits,
            u64: key,
        };
        // SAFETY: valid epoll fd, an open fd and a valid event pointer.
        let rc = unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), op, fd, &mut event) };
        if rc == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.raw_os_error() == Some(libc::ENOSPC) {
            return Err(SocketError::with_message(
                libc::ENOBUFS,
                "the host's limit of epoll registrations (fs.epoll.max_user_watches) is reached",
            ));
        }
        Err(error.into())
    }

    /// Stop counting sockets the kernel has dropped from the set: those whose
    /// fd is closed or now holds another file.
    fn forget_closed(&mut self) {
        self.registered
            .retain(|fd, id| file_id(*fd).is_ok_and(|now| now == *id));
    }
}

/// The fd of an open socket, or `EBADF`.
fn open(fd: Option<RawFd>) -> Result<RawFd, SocketError> {
    fd.ok_or_else(|| SocketError::errno(libc::EBADF))
}

/// `fstat(2)`'s device and inode of `fd`.
fn file_id(fd: RawFd) -> Result<FileId, SocketError> {
    let mut stat = MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `stat` is valid for writes of one `struct stat`.
    if unsafe { libc::fstat(fd, stat.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error().into());
    }
    // SAFETY: fstat succeeded and filled `stat`.
    let stat = unsafe { stat.assume_init() };
    Ok((stat.st_dev, stat.st_ino))
}

/// `EPOLL*` bits for `POLL*` bits.
fn epoll_bits(events: i16) -> u32 {
    EVENT_BITS
        .iter()
        .filter(|(poll, _)| events & poll != 0)
        .fold(0, |bits, (_, epoll)| bits | *epoll as u32)
}

/// `POLL*` bits for `EPOLL*` bits.
fn poll_bits(events: u32) -> i16 {
    EVENT_BITS
        .iter()
        .filter(|(_, epoll)| events & *epoll as u32 != 0)
        .fold(0, |bits, (poll, _)| bits | poll)
}

#[cfg(test)]
mod tests {
    use std::net::UdpSocket;

    use super::*;

    const SOON: Option<Duration> = Some(Duration::from_secs(5));

    fn bound() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").unwrap()
    }

    fn poke(socket: &UdpSocket) {
        bound().send_to(b"x", socket.local_addr().unwrap()).unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn level_repeats_and_edge_reports_once() {
        let (level, edge) = (bound(), bound());
        let mut poller = Poller::new(8).unwrap();
        let fd = |s: &UdpSocket| Some(s.as_raw_fd());
        poller.register(fd(&level), 1, libc::POLLIN, false).unwrap();
        poller.register(fd(&edge), 2, libc::POLLIN, true).unwrap();
        poke(&level);
        poke(&edge);
        let mut first = poller.wait(8, SOON).await.unwrap();
        first.sort();
        assert_eq!(first, [(1, libc::POLLIN), (2, libc::POLLIN)]);
        let second = poller.wait(8, Some(Duration::ZERO)).await.unwrap();
        assert_eq!(second, [(1, libc::POLLIN)]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_wait_wakes_when_data_arrives() {
        let socket = bound();
        let mut poller = Poller::new(8).unwrap();
        poller
            .register(Some(socket.as_raw_fd()), 7, libc::POLLIN, true)
            .unwrap();
        let address = socket.local_addr().unwrap();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            bound().send_to(b"x", address).unwrap();
        });
        assert_eq!(poller.wait(8, SOON).await.unwrap(), [(7, libc::POLLIN)]);
        sender.join().unwrap();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn closed_sockets_give_their_place_back() {
        let mut poller = Poller::new(2).unwrap();
        let (a, b, c) = (bound(), bound(), bound());
        poller
            .register(Some(a.as_raw_fd()), 1, libc::POLLIN, false)
            .unwrap();
        poller
            .register(Some(b.as_raw_fd()), 2, libc::POLLIN, false)
            .unwrap();
        let full = poller.register(Some(c.as_raw_fd()), 3, libc::POLLIN, false);
        assert_eq!(full.unwrap_err().raw_errno(), Some(libc::ENOBUFS));
        drop(a);
        poller
            .register(Some(c.as_raw_fd()), 3, libc::POLLIN, false)
            .unwrap();
    }
}
