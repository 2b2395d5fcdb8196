//! Unix-domain datagram sockets.

use std::io;
use std::net::Shutdown;
use std::path::Path;

use super::SocketAddr;
use crate::socket::{Domain, MessageFlags, Socket, Type};
use crate::wrapper::socket_wrapper;

/// A Unix-domain datagram socket: std's `UnixDatagram`.
///
/// A datagram longer than the buffer given to a receive call is truncated.
///
/// ```no_run
/// use wasock::unix::UnixDatagram;
///
/// fn main() -> std::io::Result<()> {
///     let socket = UnixDatagram::bind("./client.sock")?;
///     socket.send_to(b"ping", "./server.sock")?;
///     let mut buf = [0; 4096];
///     let (len, from) = socket.recv_from(&mut buf)?;
///     println!("{len} bytes from {from:?}");
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct UnixDatagram {
    socket: Socket,
}

socket_wrapper!(UnixDatagram);

impl UnixDatagram {
    /// Creates a socket bound to `path`.
    ///
    /// Calls `socket.create-socket` and `socket.bind`, like `socket(2)` and
    /// `bind(2)`.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        UnixDatagram::bind_addr(&SocketAddr::from_pathname(path)?)
    }

    /// Creates a socket bound to `addr`, which may be an abstract name.
    ///
    /// Calls `socket.create-socket` and `socket.bind`, like `socket(2)` and
    /// `bind(2)`.
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixDatagram> {
        let socket = UnixDatagram::unbound()?;
        socket.socket.bind_wit(&addr.into())?;
        Ok(socket)
    }

    /// Creates a socket bound to no address. It can send, but peers cannot
    /// answer it.
    ///
    /// Calls `socket.create-socket`, like `socket(2)`.
    pub fn unbound() -> io::Result<UnixDatagram> {
        let socket = Socket::new(Domain::UNIX, Type::DGRAM, None)?;
        Ok(UnixDatagram { socket })
    }

    /// Creates a pair of connected, unnamed datagram sockets.
    ///
    /// Calls `socket.socketpair`, like `socketpair(2)`.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = Socket::pair(Domain::UNIX, Type::DGRAM, None)?;
        Ok((UnixDatagram { socket: a }, UnixDatagram { socket: b }))
    }

    /// Sets the default destination and the only source datagrams are
    /// received from.
    ///
    /// Calls `socket.connect`, like `connect(2)`.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.connect_addr(&SocketAddr::from_pathname(path)?)
    }

    /// Like [`UnixDatagram::connect`], for any address.
    ///
    /// Calls `socket.connect`, like `connect(2)`.
    pub fn connect_addr(&self, addr: &SocketAddr) -> io::Result<()> {
        self.socket.connect_wit(&addr.into())
    }

    /// Sends a datagram to the connected peer.
    ///
    /// Calls `socket.send`, like `send(2)`.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.socket.send(buf)
    }

    /// Receives a datagram into `buf`.
    ///
    /// Calls `socket.recv`, like `recv(2)`.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv_into(buf, MessageFlags::empty())
    }

    /// Sends a datagram to the socket at `path`.
    ///
    /// Calls `socket.send-to`, like `sendto(2)`.
    pub fn send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        self.send_to_addr(buf, &SocketAddr::from_pathname(path)?)
    }

    /// Sends a datagram to `addr`, which may be an abstract name.
    ///
    /// Calls `socket.send-to`, like `sendto(2)`.
    pub fn send_to_addr(&self, buf: &[u8], addr: &SocketAddr) -> io::Result<usize> {
        self.socket
            .send_to_wit(buf, &addr.into(), MessageFlags::empty())
    }

    /// Receives a datagram into `buf`; returns its length and its source,
    /// unnamed when the sender is not bound.
    ///
    /// Calls `socket.recv-from`, like `recvfrom(2)`.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (len, addr) = self.socket.recv_from_into(buf, MessageFlags::empty())?;
        Ok((len, addr.try_into()?))
    }

    /// The address the socket is bound to.
    ///
    /// Calls `socket.local-address`, like `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()?.try_into()
    }

    /// The address of the connected peer.
    ///
    /// Calls `socket.remote-address`, like `getpeername(2)`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.peer_addr()?.try_into()
    }

    /// Shuts down reading, writing or both.
    ///
    /// Calls `socket.shutdown`, like `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.socket.shutdown(how)
    }
}
