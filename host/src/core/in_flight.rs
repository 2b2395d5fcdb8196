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
    /// What each entry is charged, by the key registered with it.
    charges: HashMap<u64, Kept>,
    /// The key of each entry by its socket's inode, so that a socket the
    /// guest receives back stops being charged twice.
    keys: HashMap<u64, u64>,
    /// The sums of `charges`.
    bytes: usize,
    places: usize,
    /// The key of the next entry.
    next_key: u64,
    /// Sockets that could not be watched: charged for good.
    unwatched: usize,
    /// Sockets let go of with data still on its way.
    draining: Draining,
}

/// Sockets the guest let go of that still had data on its way: sent on a
/// Unix socket and not yet received, or sent on TCP and not yet
/// acknowledged. The kernel keeps that data, charged to the sending
/// socket, after the socket is closed (a Unix peer's queue, a TCP orphan
/// towards a peer that does not read), so the host keeps the socket shut
/// down (`shutdown(2)` both ways: the peer reads what is left, then the end
/// of the stream) and charged until the data is gone, and closes it then.
#[derive(Debug, Default)]
pub(crate) struct Draining {
    sockets: Vec<(socket2::Socket, Kept)>,
}

impl Draining {
    /// Keep `socket`, shut down, charged `kept` until its data is gone.
    pub(crate) fn keep(&mut self, socket: socket2::Socket, kept: Kept) {
        let _ = socket.shutdown(std::net::Shutdown::Both);
        self.sockets.push((socket, kept));
    }

    /// Close the sockets whose data is gone.
    pub(crate) fn refresh(&mut self) {
        self.sockets
            .retain(|(socket, _)| crate::core::socket::unsent_bytes(socket) > 0);
    }

    /// Places in the socket quota charged.
    pub(crate) fn places(&self) -> usize {
        self.sockets.iter().map(|(_, kept)| kept.places).sum()
    }

    /// Socket-buffer bytes charged.
    pub(crate) fn buffer_bytes(&self) -> usize {
        self.sockets.iter().map(|(_, kept)| kept.buffer_bytes).sum()
    }
}

/// What one socket let go of in flight is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kept {
    /// Places in the socket quota: one, and its accept queue's if it
    /// listens.
    pub places: usize,
    /// Socket-buffer bytes.
    pub buffer_bytes: usize,
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
        self.places + self.unwatched + self.draining.places()
    }

    /// Socket-buffer bytes charged, an upper bound like
    /// [`sockets`](Self::sockets).
    pub(crate) fn buffer_bytes(&self) -> usize {
        self.bytes + self.draining.buffer_bytes()
    }

    /// Keep `socket`, which the guest let go of with data still on its
    /// way, charged `kept` until the data is gone (see [`Draining`]).
    pub(crate) fn drain(&mut self, socket: socket2::Socket, kept: Kept) {
        self.draining.keep(socket, kept);
    }

    /// Charge `socket`, which the guest is letting go of, until the kernel
    /// releases it: `kept.places` in the socket quota (the socket, and its
    /// accept queue if it listens) and `kept.buffer_bytes`. Call before its
    /// descriptor is closed.
    pub(crate) fn keep(&mut self, socket: impl AsFd, kept: Kept) {
        let key = self.next_key;
        self.next_key += 1;
        let inode = inode(&socket);
        match self.watch(socket, key) {
            Ok(()) => {
                self.charges.insert(key, kept);
                self.bytes += kept.buffer_bytes;
                self.places += kept.places;
                if let Ok(inode) = inode {
                    self.keys.insert(inode, key);
                }
            }
            Err(error) => {
                tracing::debug!(%error, "a passed socket cannot be watched; it stays charged");
                self.unwatched += kept.places;
            }
        }
    }

    /// Stop charging `socket` as in flight: the guest received it back and
    /// holds it as a handle again, which takes the charge over (it may
    /// still be in flight in another message: the caller charges the
    /// handle, and keeps it here again when the handle goes). What it was
    /// charged, if it was here.
    pub(crate) fn reclaim(&mut self, socket: impl AsFd) -> Option<Kept> {
        if self.keys.is_empty() {
            return None;
        }
        let inode = inode(&socket).ok()?;
        let key = self.keys.remove(&inode)?;
        let kept = self.charges.remove(&key)?;
        self.bytes = self.bytes.saturating_sub(kept.buffer_bytes);
        self.places = self.places.saturating_sub(kept.places);
        Some(kept)
    }

    fn watch(&mut self, socket: impl AsFd, key: u64) -> io::Result<()> {
        let epoll = match &self.epoll {
            Some(epoll) => epoll,
            None => self.epoll.insert(epoll::create(CreateFlags::CLOEXEC)?),
        };
        // No events are asked for: the entry is there to be removed when
        // the socket's last reference goes.
        let data = EventData::new_u64(key);
        match epoll::add(epoll, &socket, data, EventFlags::empty()) {
            // The same file under the same descriptor number is watched
            // already: a socket that went in flight, came back under the
            // number it had and goes again. The entry now stands for this.
            Err(rustix::io::Errno::EXIST) => {
                epoll::modify(epoll, &socket, data, EventFlags::empty())?
            }
            result => result?,
        }
        Ok(())
    }

    /// Forget the sockets the kernel has released, so that
    /// [`sockets`](Self::sockets) and [`buffer_bytes`](Self::buffer_bytes)
    /// are exact.
    pub(crate) fn refresh(&mut self) {
        self.draining.refresh();
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
        self.bytes = self.charges.values().map(|kept| kept.buffer_bytes).sum();
        self.places = self.charges.values().map(|kept| kept.places).sum();
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

    /// A socket received back (under the descriptor number it had when it
    /// was kept, which the kernel reuses) and then closed is released.
    #[test]
    fn a_socket_received_back_and_closed_is_released() {
        let (sender, receiver) = UnixStream::pair().unwrap();
        let mut ledger = InFlight::default();
        let (passed, _peer) = UnixStream::pair().unwrap();
        pass(&sender, &passed);
        ledger.keep(
            &passed,
            Kept {
                places: 1,
                buffer_bytes: 1,
            },
        );
        drop(passed);
        let mut data = [0u8; 1];
        let mut control = vec![0u8; 64];
        let as_uninit = crate::core::recv_buffer::as_uninit;
        let mut buffers = [socket2::MaybeUninitSlice::new(as_uninit(&mut data))];
        let mut header = socket2::MsgHdrMut::new()
            .with_buffers(&mut buffers)
            .with_control(as_uninit(&mut control));
        SockRef::from(&receiver).recvmsg(&mut header, 0).unwrap();
        let len = header.control_len();
        let message = crate::core::control::messages(&control[..len])
            .next()
            .unwrap();
        let fd = crate::core::control::ints(message.data).next().unwrap();
        // SAFETY: the kernel installed this descriptor for the message just
        // received; nothing else owns it.
        let back = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        assert!(ledger.reclaim(&back).is_some());
        ledger.keep(
            &back,
            Kept {
                places: 1,
                buffer_bytes: 1,
            },
        );
        drop(back);
        ledger.refresh();
        assert_eq!(ledger.sockets(), 0);
    }

    /// A socket in flight stays charged after its descriptor is closed,
    /// and is forgotten once the kernel releases it.
    #[test]
    fn passed_sockets_stay_charged_while_the_kernel_keeps_them() {
        let (sender, receiver) = UnixStream::pair().unwrap();
        let mut ledger = InFlight::default();
        let (passed, mut peer) = UnixStream::pair().unwrap();
        pass(&sender, &passed);
        ledger.keep(
            &passed,
            Kept {
                places: 1,
                buffer_bytes: 1000,
            },
        );
        drop(passed);
        let (released, _other) = UnixStream::pair().unwrap();
        ledger.keep(
            &released,
            Kept {
                places: 1,
                buffer_bytes: 10,
            },
        );
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
