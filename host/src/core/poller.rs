//! `Poller`: a persistent epoll set of a guest's sockets, waited on without
//! holding a host thread.
//!
//! `wait` first asks the kernel with a zero timeout. Only when nothing is
//! ready and the caller may wait does it await the epoll fd's readability
//! through tokio (an epoll fd is readable while its ready list is not
//! empty), up to the deadline, and ask again. A wait therefore costs what
//! is ready, not what is registered.

use std::collections::HashSet;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::time::Duration;

use rustix::buffer::spare_capacity;
use rustix::event::Timespec;
use rustix::event::epoll::{self, CreateFlags, Event, EventData, EventFlags};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use crate::core::SocketError;

/// `POLL*` bits and their `EPOLL*` equivalents. `POLLERR` and `POLLHUP` are
/// reported whether asked for or not; `POLLNVAL` has no epoll equivalent (a
/// closed socket leaves the set).
const EVENT_BITS: [(i16, EventFlags); 6] = [
    (libc::POLLIN, EventFlags::IN),
    (libc::POLLPRI, EventFlags::PRI),
    (libc::POLLOUT, EventFlags::OUT),
    (libc::POLLRDHUP, EventFlags::RDHUP),
    (libc::POLLERR, EventFlags::ERR),
    (libc::POLLHUP, EventFlags::HUP),
];

/// A zero timeout: check, do not wait.
const NOW: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 0,
};

/// One socket in a set: the fd it was added with and the inode of the
/// socket, which names it whatever descriptor refers to it.
type Registration = (RawFd, u64);

/// A guest's epoll instance.
pub struct Poller {
    /// The epoll fd, registered with tokio for readability.
    epoll: AsyncFd<OwnedFd>,
    /// The sockets added and not removed. The kernel drops a socket from
    /// the set when the socket's last reference goes (a descriptor
    /// anywhere, or a message in flight); [`Poller::forget_closed`] stops
    /// counting those the kernel no longer lists.
    registered: HashSet<Registration>,
    /// Most sockets in the set.
    limit: usize,
}

impl Poller {
    /// An empty set holding at most `limit` sockets, like `epoll_create1(2)`.
    pub fn new(limit: usize) -> Result<Poller, SocketError> {
        let fd = epoll::create(CreateFlags::CLOEXEC).map_err(io::Error::from)?;
        // SAFETY: the `AsyncFd` owns the `OwnedFd`, whose `as_raw_fd` is
        // the same open epoll fd until the `AsyncFd` is dropped; nothing
        // takes it out (`into_inner` is never called).
        let epoll = unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }
            .map_err(io::Error::from)?;
        Ok(Poller {
            epoll,
            registered: HashSet::new(),
            limit,
        })
    }

    /// `EPOLL_CTL_ADD`: watch the socket `fd` (`None` once closed) for the
    /// `POLL*` bits of `events`, reported with `key`. `fd` must be the
    /// descriptor of a socket the caller holds open for the call, as
    /// `HostSocket::raw_fd` gives it.
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
        with_open(fd, |fd| self.add(fd, key, events, edge_triggered))
    }

    /// [`register`](Self::register) of a borrowed descriptor.
    pub(crate) fn add(
        &mut self,
        fd: BorrowedFd<'_>,
        key: u64,
        events: i16,
        edge_triggered: bool,
    ) -> Result<(), SocketError> {
        let registration = (fd.as_raw_fd(), inode(fd)?);
        if !self.registered.contains(&registration) && self.registered.len() >= self.limit {
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
        let flags = epoll_flags(events, edge_triggered);
        epoll::add(self.epoll.get_ref(), fd, EventData::new_u64(key), flags).map_err(ctl_error)?;
        self.registered.insert(registration);
        Ok(())
    }

    /// `EPOLL_CTL_MOD`: change the key, events and trigger of a socket in
    /// the set; `ENOENT` if it is not in the set. `fd` as for
    /// [`register`](Self::register).
    pub fn modify(
        &mut self,
        fd: Option<RawFd>,
        key: u64,
        events: i16,
        edge_triggered: bool,
    ) -> Result<(), SocketError> {
        with_open(fd, |fd| {
            let flags = epoll_flags(events, edge_triggered);
            epoll::modify(self.epoll.get_ref(), fd, EventData::new_u64(key), flags)
                .map_err(ctl_error)
        })
    }

    /// `EPOLL_CTL_DEL`: remove a socket from the set; `ENOENT` if it is not
    /// in the set. `fd` as for [`register`](Self::register).
    pub fn deregister(&mut self, fd: Option<RawFd>) -> Result<(), SocketError> {
        with_open(fd, |fd| {
            let registration = (fd.as_raw_fd(), inode(fd)?);
            epoll::delete(self.epoll.get_ref(), fd).map_err(ctl_error)?;
            self.registered.remove(&registration);
            Ok(())
        })
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

    /// `epoll_wait(2)` with a zero timeout, for at most `capacity` events.
    fn ready_now(&self, capacity: usize) -> Result<Vec<(u64, i16)>, SocketError> {
        let mut events = Vec::<Event>::with_capacity(capacity);
        loop {
            match epoll::wait(
                self.epoll.get_ref(),
                spare_capacity(&mut events),
                Some(&NOW),
            ) {
                Ok(_) => break,
                Err(rustix::io::Errno::INTR) => continue,
                Err(error) => return Err(io::Error::from(error).into()),
            }
        }
        Ok(events
            .iter()
            .map(|event| {
                let (data, flags) = (event.data, event.flags);
                (data.u64(), poll_bits(flags))
            })
            .collect())
    }

    /// Stop counting sockets the kernel has dropped from the set. When the
    /// set cannot be listed every socket stays counted, so the limit holds.
    fn forget_closed(&mut self) {
        match listed(self.epoll.get_ref().as_fd()) {
            Ok(entries) => {
                let live: HashSet<Registration> = entries
                    .into_iter()
                    .map(|entry| (entry.fd, entry.inode))
                    .collect();
                self.registered
                    .retain(|registration| live.contains(registration));
            }
            Err(error) => tracing::debug!(%error, "cannot list a poller's sockets"),
        }
    }
}

/// Run `f` on the socket `fd`, or fail with `EBADF` if it is closed.
///
/// `fd` must be the descriptor of a socket that the caller holds open for
/// the whole call: `HostSocket::raw_fd` of a socket in the guest's table,
/// read in the same call, which the guest cannot close before the call
/// returns.
fn with_open<T>(
    fd: Option<RawFd>,
    f: impl FnOnce(BorrowedFd<'_>) -> Result<T, SocketError>,
) -> Result<T, SocketError> {
    let fd = fd
        .filter(|fd| *fd >= 0)
        .ok_or_else(|| SocketError::errno(libc::EBADF))?;
    // SAFETY: `fd` is not negative (so not -1), and it stays open while
    // `f` runs, as the callers guarantee above; the borrow does not
    // outlive `f`.
    f(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// The inode of the socket `fd` refers to.
fn inode(fd: BorrowedFd<'_>) -> Result<u64, SocketError> {
    let stat = rustix::fs::fstat(fd).map_err(io::Error::from)?;
    Ok(stat.st_ino)
}

/// `epoll_ctl(2)`'s error as the guest sees it: `ENOSPC` (the kernel's
/// `max_user_watches`) is `ENOBUFS`, like the guest's own limit.
fn ctl_error(error: rustix::io::Errno) -> SocketError {
    if error == rustix::io::Errno::NOSPC {
        return SocketError::with_message(
            libc::ENOBUFS,
            "the host's limit of epoll registrations (fs.epoll.max_user_watches) is reached",
        );
    }
    io::Error::from(error).into()
}

/// `EPOLL*` flags for `POLL*` bits, edge-triggered or not.
fn epoll_flags(events: i16, edge_triggered: bool) -> EventFlags {
    let flags = EVENT_BITS
        .iter()
        .filter(|(poll, _)| events & poll != 0)
        .fold(EventFlags::empty(), |flags, (_, epoll)| flags | *epoll);
    if edge_triggered {
        flags | EventFlags::ET
    } else {
        flags
    }
}

/// `POLL*` bits for `EPOLL*` flags.
fn poll_bits(flags: EventFlags) -> i16 {
    EVENT_BITS
        .iter()
        .filter(|(_, epoll)| flags.contains(*epoll))
        .fold(0, |bits, (poll, _)| bits | poll)
}

/// An entry of an epoll set, as the kernel lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listed {
    /// The fd the file was added with (`tfd`).
    pub(crate) fd: RawFd,
    /// The key registered with it (`data`).
    pub(crate) key: u64,
    /// The inode of the file (`ino`).
    pub(crate) inode: u64,
}

/// The entries still in the epoll set `epoll`, from its
/// `/proc/self/fdinfo` file. The kernel removes an entry when the last
/// reference to its file goes, so these are the files alive.
pub(crate) fn listed(epoll: BorrowedFd<'_>) -> io::Result<Vec<Listed>> {
    let path = format!("/proc/self/fdinfo/{}", epoll.as_raw_fd());
    Ok(parse_fdinfo(&std::fs::read_to_string(path)?))
}

/// The entries of an epoll fdinfo text, one line each:
/// `tfd:        7 events:       19 data:               2a  pos:0 ino:3f5c sdev:8`
/// (the fd in decimal, the key and inode in hex). Other lines describe the
/// epoll fd itself.
fn parse_fdinfo(info: &str) -> Vec<Listed> {
    info.lines()
        .filter(|line| line.starts_with("tfd:"))
        .filter_map(|line| {
            Some(Listed {
                fd: field(line, "tfd:")?.parse().ok()?,
                key: u64::from_str_radix(field(line, "data:")?, 16).ok()?,
                inode: u64::from_str_radix(field(line, "ino:")?, 16).ok()?,
            })
        })
        .collect()
}

/// The value of `name` in an fdinfo line, written `name value` or
/// `name:value`.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let mut words = line.split_whitespace();
    while let Some(word) = words.next() {
        if let Some(rest) = word.strip_prefix(name) {
            return if rest.is_empty() {
                words.next()
            } else {
                Some(rest)
            };
        }
    }
    None
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

    /// A socket the guest still holds through another descriptor stays in
    /// the kernel's set, so it keeps its place after its first fd closes.
    #[tokio::test(flavor = "current_thread")]
    async fn a_duplicated_socket_keeps_its_place() {
        let mut poller = Poller::new(1).unwrap();
        let socket = bound();
        let duplicate = socket.try_clone().unwrap();
        poller
            .register(Some(socket.as_raw_fd()), 1, libc::POLLIN, false)
            .unwrap();
        drop(socket);
        let other = bound();
        let full = poller.register(Some(other.as_raw_fd()), 2, libc::POLLIN, false);
        assert_eq!(full.unwrap_err().raw_errno(), Some(libc::ENOBUFS));
        drop(duplicate);
        poller
            .register(Some(other.as_raw_fd()), 2, libc::POLLIN, false)
            .unwrap();
    }

    /// Closed and impossible descriptors are `EBADF` before any borrow.
    #[tokio::test(flavor = "current_thread")]
    async fn closed_and_negative_descriptors_are_refused() {
        let mut poller = Poller::new(4).unwrap();
        for fd in [None, Some(-1), Some(RawFd::MIN)] {
            let refused = [
                poller.register(fd, 1, libc::POLLIN, false),
                poller.modify(fd, 1, libc::POLLIN, false),
                poller.deregister(fd),
            ];
            for result in refused {
                assert_eq!(result.unwrap_err().raw_errno(), Some(libc::EBADF));
            }
        }
    }

    /// Every guest-chosen key comes back as it was registered, and the
    /// kernel's listing names each entry by fd, key and inode.
    #[tokio::test(flavor = "current_thread")]
    async fn keys_come_back_whole() {
        let mut poller = Poller::new(4).unwrap();
        let sockets = [bound(), bound(), bound()];
        let keys = [0, u64::MAX, 0x8000_0000_0000_0001];
        for (socket, key) in sockets.iter().zip(keys) {
            poller
                .register(Some(socket.as_raw_fd()), key, libc::POLLIN, false)
                .unwrap();
            poke(socket);
        }
        let mut ready = poller.wait(8, SOON).await.unwrap();
        ready.sort();
        let mut expected = keys.map(|key| (key, libc::POLLIN));
        expected.sort();
        assert_eq!(ready, expected);
        let mut entries = listed(poller.epoll.get_ref().as_fd()).unwrap();
        entries.sort_by_key(|entry| entry.key);
        let mut wanted: Vec<Listed> = sockets
            .iter()
            .zip(keys)
            .map(|(socket, key)| Listed {
                fd: socket.as_raw_fd(),
                key,
                inode: inode(socket.as_fd()).unwrap(),
            })
            .collect();
        wanted.sort_by_key(|entry| entry.key);
        assert_eq!(entries, wanted);
    }

    #[test]
    fn fdinfo_lines_are_parsed() {
        let info = "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n\
                    tfd:        5 events:       19 data:         ffffffffffffffff  pos:0 ino:3f5c sdev:8\n\
                    tfd:       12 events:        0 data:                2a  pos:0 ino:10 sdev:8\n\
                    tfd: garbage\n";
        assert_eq!(
            parse_fdinfo(info),
            [
                Listed {
                    fd: 5,
                    key: u64::MAX,
                    inode: 0x3f5c
                },
                Listed {
                    fd: 12,
                    key: 0x2a,
                    inode: 0x10
                },
            ]
        );
    }

    #[test]
    fn event_bits_round_trip() {
        let all = EVENT_BITS.iter().fold(0, |bits, (poll, _)| bits | poll);
        assert_eq!(poll_bits(epoll_flags(all, false)), all);
        assert!(epoll_flags(libc::POLLIN, true).contains(EventFlags::ET));
        assert_eq!(epoll_flags(libc::POLLNVAL, false), EventFlags::empty());
    }
}
