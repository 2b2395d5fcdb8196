//! Waiting on several sockets at once: [`poll`] for a one-shot `poll(2)`
//! over a list of sockets, and [`Poller`] for a set the host keeps between
//! waits, like epoll, when the sockets are many.
//!
//! ```no_run
//! use std::time::Duration;
//! use wasock::net::{TcpListener, UdpSocket};
//! use wasock::poll::{Events, PollFd, poll};
//!
//! fn main() -> std::io::Result<()> {
//!     let tcp = TcpListener::bind("127.0.0.1:7000")?;
//!     let udp = UdpSocket::bind("127.0.0.1:7000")?;
//!     let mut fds = [PollFd::new(&tcp, Events::READABLE), PollFd::new(&udp, Events::READABLE)];
//!     if poll(&mut fds, Some(Duration::from_secs(5)))? == 0 {
//!         println!("nothing happened");
//!     }
//!     if fds[0].revents().contains(Events::READABLE) {
//!         let (_stream, peer) = tcp.accept()?;
//!         println!("connection from {peer}");
//!     }
//!     Ok(())
//! }
//! ```

mod poller;

use std::io;
use std::time::Duration;

use crate::bindings::wasock::sockets::socket as wit;
use crate::socket::{self, AsSocket, Socket};

pub use self::poller::{Poller, Trigger};

/// Readiness events, the `events` and `revents` of `poll(2)`: `READABLE`,
/// `PRIORITY`, `WRITABLE`, `READ_HANGUP`, and the always-reported `ERROR`,
/// `HANGUP` and `INVALID`. Combine them with `|`.
pub use crate::bindings::wasock::sockets::types::PollEvents as Events;

/// A socket to wait on and the events to wait for, like a `struct pollfd`.
#[derive(Debug)]
pub struct PollFd<'a> {
    socket: &'a Socket,
    events: Events,
    revents: Events,
}

impl<'a> PollFd<'a> {
    /// Waits on `socket` (any socket type of this crate) for `events`.
    pub fn new<S: AsSocket + ?Sized>(socket: &'a S, events: Events) -> PollFd<'a> {
        PollFd {
            socket: socket.as_socket(),
            events,
            revents: Events::empty(),
        }
    }

    /// The events waited for.
    pub fn events(&self) -> Events {
        self.events
    }

    /// Changes the events waited for.
    pub fn set_events(&mut self, events: Events) {
        self.events = events;
    }

    /// The events found ready by the last [`poll`]; empty when the socket
    /// was not ready.
    pub fn revents(&self) -> Events {
        self.revents
    }
}

/// Waits until at least one socket in `fds` is ready or the timeout
/// expires; returns how many are ready (0 on timeout) and sets each one's
/// [`revents`](PollFd::revents).
///
/// `None` waits without limit; a zero timeout only checks.
///
/// Calls `socket.poll`, like `poll(2)`.
pub fn poll(fds: &mut [PollFd<'_>], timeout: Option<Duration>) -> io::Result<usize> {
    let targets: Vec<_> = fds
        .iter()
        .map(|fd| (fd.socket.as_raw(), fd.events))
        .collect();
    let ready = wit::poll(&targets, timeout.map(socket::nanos))?;
    for fd in fds.iter_mut() {
        fd.revents = Events::empty();
    }
    for (index, events) in &ready {
        if let Some(fd) = usize::try_from(*index).ok().and_then(|i| fds.get_mut(i)) {
            fd.revents = *events;
        }
    }
    Ok(ready.len())
}
