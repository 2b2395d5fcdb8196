//! [`Poller`]: a persistent set of sockets, like epoll.

use std::io;
use std::time::Duration;

use super::Events;
use crate::bindings::wasock::sockets::socket as wit;
use crate::socket::{self, AsSocket};

/// When a registered socket is reported ready.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Every wait reports the socket for as long as it is ready: unread data
    /// keeps it [`READABLE`](Events::READABLE), as with [`poll`](super::poll).
    #[default]
    Level,
    /// A wait reports the socket when it becomes ready, and not again until
    /// new readiness arrives (another datagram, more bytes, more buffer
    /// space). Read or write until [`WouldBlock`](io::ErrorKind::WouldBlock)
    /// before waiting again. Like `EPOLLET`.
    Edge,
}

/// A set of sockets kept by the host and waited on as a whole, like an
/// epoll instance (`epoll(7)`) or mio's `Poll`.
///
/// Unlike [`poll`](super::poll), the set persists between waits, so a wait
/// costs what is ready, not what is registered: the shape for thousands of
/// sockets. Each socket is registered with a `u64` key of your choice,
/// which [`wait`](Poller::wait) reports with the ready events.
///
/// A socket leaves the set by itself when it is closed or dropped. As with
/// epoll, the registration belongs to the socket rather than the handle: a
/// socket whose [`try_clone`](crate::socket::Socket::try_clone) copy is
/// still open stays in the set. The set holds at most the host's poll limit
/// of sockets; the poller itself counts as an open socket.
///
/// ```no_run
/// use std::time::Duration;
/// use wasock::net::UdpSocket;
/// use wasock::poll::{Events, Poller, Trigger};
///
/// fn main() -> std::io::Result<()> {
///     let sockets: Vec<UdpSocket> = (0..100)
///         .map(|_| UdpSocket::bind("127.0.0.1:0"))
///         .collect::<Result<_, _>>()?;
///     let poller = Poller::new()?;
///     for (key, socket) in (0..).zip(&sockets) {
///         poller.register(socket, key, Events::READABLE, Trigger::Level)?;
///     }
///     let mut ready = Vec::with_capacity(64);
///     poller.wait(&mut ready, Some(Duration::from_secs(5)))?;
///     for (key, _events) in &ready {
///         let mut buffer = [0; 1500];
///         let (n, from) = sockets[*key as usize].recv_from(&mut buffer)?;
///         println!("{n} bytes from {from}");
///     }
///     Ok(())
/// }
/// ```
pub struct Poller {
    inner: wit::Poller,
}

impl Poller {
    /// Creates an empty set.
    ///
    /// Calls `socket.create-poller`, like `epoll_create1(2)`.
    pub fn new() -> io::Result<Poller> {
        Ok(Poller {
            inner: wit::create_poller()?,
        })
    }

    /// Adds `socket` (any socket type of this crate) to the set, watched for
    /// `interest` and reported with `key`. [`Events::ERROR`] and
    /// [`Events::HANGUP`] are reported whether asked for or not.
    ///
    /// Fails with [`ErrorCode::AlreadyExists`](crate::ErrorCode::AlreadyExists)
    /// if the socket is in the set, and with
    /// [`ErrorCode::NoBufferSpace`](crate::ErrorCode::NoBufferSpace) when the
    /// set is full.
    ///
    /// Calls `poller.register`, like `epoll_ctl(2)` with `EPOLL_CTL_ADD`.
    pub fn register<S: AsSocket + ?Sized>(
        &self,
        socket: &S,
        key: u64,
        interest: Events,
        trigger: Trigger,
    ) -> io::Result<()> {
        let socket = socket.as_socket().as_raw();
        Ok(self
            .inner
            .register(socket, key, interest, trigger == Trigger::Edge)?)
    }

    /// Replaces the key, the interest and the trigger of a socket in the
    /// set. Fails with [`ErrorCode::NotFound`](crate::ErrorCode::NotFound)
    /// if the socket is not in the set.
    ///
    /// Calls `poller.modify`, like `epoll_ctl(2)` with `EPOLL_CTL_MOD`.
    pub fn reregister<S: AsSocket + ?Sized>(
        &self,
        socket: &S,
        key: u64,
        interest: Events,
        trigger: Trigger,
    ) -> io::Result<()> {
        let socket = socket.as_socket().as_raw();
        Ok(self
            .inner
            .modify(socket, key, interest, trigger == Trigger::Edge)?)
    }

    /// Removes a socket from the set. Fails with
    /// [`ErrorCode::NotFound`](crate::ErrorCode::NotFound) if the socket is
    /// not in the set.
    ///
    /// Calls `poller.deregister`, like `epoll_ctl(2)` with `EPOLL_CTL_DEL`.
    pub fn deregister<S: AsSocket + ?Sized>(&self, socket: &S) -> io::Result<()> {
        Ok(self.inner.deregister(socket.as_socket().as_raw())?)
    }

    /// Waits until at least one socket in the set is ready or the timeout
    /// expires, and replaces the contents of `events` with the key and
    /// ready events of each ready socket; returns how many (0 on timeout).
    ///
    /// At most `events.capacity()` sockets are reported, so give the vector
    /// a capacity first ([`Vec::with_capacity`]); a vector without capacity
    /// fails with [`InvalidInput`](io::ErrorKind::InvalidInput), as
    /// `epoll_wait(2)` does for a `maxevents` of zero. When more are ready,
    /// the next wait reports the others first. `None` waits without limit;
    /// a zero timeout only checks.
    ///
    /// Calls `poller.wait`, like `epoll_wait(2)`.
    pub fn wait(
        &self,
        events: &mut Vec<(u64, Events)>,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let max_events = u32::try_from(events.capacity()).unwrap_or(u32::MAX);
        events.clear();
        events.extend(self.inner.wait(max_events, timeout.map(socket::nanos))?);
        Ok(events.len())
    }
}

impl std::fmt::Debug for Poller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Poller").finish_non_exhaustive()
    }
}
