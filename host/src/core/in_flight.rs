//! Sockets a guest passed away and no longer holds, for as long as the
//! kernel keeps them alive.
//!
//! A socket sent with `SCM_RIGHTS` stays alive in the kernel while the
//! message carrying it is queued, whether or not the sender still holds a
//! descriptor: a guest that passes its sockets to itself over a socket
//! pair, never receives them and drops its handles would otherwise keep
//! any number alive. So when a guest lets go of a socket it has passed,
//! the socket stays charged to it until the kernel releases it.
//!
//! The kernel has no call that says whether a socket without a descriptor
//! is still alive, but epoll tells it: an epoll set holds no reference to
//! the files it watches, and the kernel removes a file from every set when
//! its last reference goes — a descriptor anywhere, or a message in
//! flight. The ledger is such a set, and its live entries are listed in
//! `/proc/self/fdinfo` of the set.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};

use crate::core::poller::listed;

/// Sockets let go of while in flight, each with the socket-buffer bytes
/// charged for it. Cloning gives an empty ledger: a clone belongs to
/// another guest.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    /// The epoll set watching them, made with the first.
    epoll: Option<OwnedFd>,
    /// Buffer bytes charged per entry, by the key registered with it.
    charges: HashMap<u64, usize>,
    /// The key of each entry by its socket's inode, so that a socket the
    /// guest receives back stops being charged twice.
    keys: HashMap<u64, u64>,
    /// The sum of `charges`.
    bytes: usize,
    /// The key of the next entry.
    next_key: u64,
    /// Sockets that could not be watched: charged for good.
    unwatched: usize,
}

impl Clone for InFlight {
    fn clone(&self) -> Self {
        InFlight::default()
    }
}

impl InFlight {
    /// Sockets charged, counting those the kernel may have released since
    /// the last [`refresh`](Self::refresh): an upper bound.
    pub(crate) fn sockets(&self) -> usize {
        self.charges.len() + self.unwatched
    }

    /// Socket-buffer bytes charged, an upper bound like
    /// [`sockets`](Self::sockets).
    pub(crate) fn buffer_bytes(&self) -> usize {
        self.bytes
    }

    /// Charge `socket`, which the guest is letting go of, until the kernel
    /// releases it. Call before its descriptor is closed.
    pub(crate) fn keep(&mut self, socket: impl AsFd, buffer_bytes: usize) {
        let key = self.next_key;
        self.next_key += 1;
        let inode = inode(&socket);
        match self.watch(socket, key) {
            Ok(()) => {
                self.charges.insert(key, buffer_bytes);
                self.bytes += buffer_bytes;
                if let Ok(inode) = inode {
                    self.keys.insert(inode, key);
                }
            }
            Err(error) => {
                tracing::debug!(%error, "a passed socket cannot be watched; it stays charged");
                self.unwatched += 1;
            }
        }
    }

    /// Stop charging `socket` as in flight: the guest received it back and
    /// holds it as a handle again.
    pub(crate) fn reclaim(&mut self, socket: impl AsFd) {
        if self.keys.is_empty() {
            return;
        }
        let Ok(inode) = inode(&socket) else { return };
        if let Some(key) = self.keys.remove(&inode) {
            self.bytes -= self.charges.remove(&key).unwrap_or(0);
        }
    }

    fn watch(&mut self, socket: impl AsFd, key: u64) -> io::Result<()> {
        let epoll = match &self.epoll {
            Some(epoll) => epoll,
            None => self.epoll.insert(epoll::create(CreateFlags::CLOEXEC)?),
        };
        // No events are asked for: the entry is there to be removed when
        // the socket's last reference goes.
        epoll::add(epoll, socket, EventData::new_u64(key), EventFlags::empty())?;
        Ok(())
    }

    /// Forget the sockets the kernel has released, so that
    /// [`sockets`](Self::sockets) and [`buffer_bytes`](Self::buffer_bytes)
    /// are exact.
    pub(crate) fn refresh(&mut self) {
        let Some(epoll) = &self.epoll else { return };
        let live = match live_keys(epoll) {
            Ok(live) => live,
            Err(error) => {
                tracing::debug!(%error, "cannot read the in-flight ledger; keeping every charge");
                return;
            }
        };
        self.charges.retain(|key, _| live.contains(key));
        self.keys.retain(|_, key| live.contains(key));
        self.bytes = self.charges.values().sum();
    }
}

/// The inode number of a socket, which names it whatever descriptor
/// refers to it.
fn inode(socket: impl AsFd) -> io::Result<u64> {
    Ok(rustix::fs::fstat(socket)?.st_ino)
}

/// The keys of the entries still in an epoll set.
fn live_keys(epoll: &OwnedFd) -> io::Result<Vec<u64>> {
    Ok(listed(epoll.as_fd())?
        .into_iter()
        .map(|entry| entry.key)
        .collect())
}

#[cfg(test)]
mod tests {
    use std::io::{IoSlice, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    use socket2::{MsgHdr, SockRef};

    use super::*;

    /// Send `passed` over `via` with `SCM_RIGHTS`.
    fn pass(via: &UnixStream, passed: &UnixStream) {
        let mut control = Vec::new();
        crate::core::control::push(
            &mut control,
            libc::SOL_SOCKET,
            libc::SCM_RIGHTS,
            &passed.as_raw_fd().to_ne_bytes(),
        );
        let data = [IoSlice::new(b"x")];
        let header = MsgHdr::new().with_buffers(&data).with_control(&control);
        SockRef::from(via).sendmsg(&header, 0).unwrap();
    }

    /// A socket in flight stays charged after its descriptor is closed,
    /// and is forgotten once the kernel releases it.
    #[test]
    fn passed_sockets_stay_charged_while_the_kernel_keeps_them() {
        let (sender, receiver) = UnixStream::pair().unwrap();
        let mut ledger = InFlight::default();
        let (passed, mut peer) = UnixStream::pair().unwrap();
        pass(&sender, &passed);
        ledger.keep(&passed, 1000);
        drop(passed);
        let (released, _other) = UnixStream::pair().unwrap();
        ledger.keep(&released, 10);
        drop(released);
        ledger.refresh();
        assert_eq!((ledger.sockets(), ledger.buffer_bytes()), (1, 1000));
        peer.write_all(b"the passed socket is alive").unwrap();

        drop(receiver);
        ledger.refresh();
        assert_eq!((ledger.sockets(), ledger.buffer_bytes()), (0, 0));
        assert!(InFlight::clone(&ledger).epoll.is_none());
    }
}
