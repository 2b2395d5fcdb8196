//! UDP sockets.

use std::io;
use std::net::SocketAddr;

use super::addrs::{ToSocketAddrs, each_addr};
use crate::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use crate::wrapper::socket_wrapper;
use crate::{ErrorCode, error};

/// A UDP socket: std's `UdpSocket`.
///
/// A datagram longer than the buffer given to a receive call is truncated.
///
/// ```no_run
/// use wasock::net::UdpSocket;
///
/// fn main() -> std::io::Result<()> {
///     let socket = UdpSocket::bind("127.0.0.1:0")?;
///     socket.send_to(b"ping", "127.0.0.1:10000")?;
///     let mut buf = [0; 4096];
///     let (len, from) = socket.recv_from(&mut buf)?;
///     println!("{len} bytes from {from}");
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct UdpSocket {
    socket: Socket,
}

socket_wrapper!(UdpSocket);

impl UdpSocket {
    /// Creates a socket bound to `addr`, trying each address it resolves to
    /// until one binds; when none does, the error for the first address is
    /// returned.
    ///
    /// Calls `socket.create-socket` and `socket.bind`, like `socket(2)` and
    /// `bind(2)`.
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| {
            let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, None)?;
            socket.bind(&addr.into())?;
            Ok(UdpSocket { socket })
        })
    }

    /// Sends a datagram to the first address `addr` resolves to; returns
    /// how many bytes were sent.
    ///
    /// Calls `socket.send-to`, like `sendto(2)`.
    pub fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        match addr.to_socket_addrs()?.next() {
            Some(addr) => self.socket.send_to(buf, &addr.into()),
            None => Err(error::local(
                ErrorCode::InvalidArgument,
                "no addresses to send data to",
            )),
        }
    }

    /// Receives a datagram into `buf`; returns its length and its source.
    ///
    /// Calls `socket.recv-from`, like `recvfrom(2)`.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.recv_from_with_flags(buf, MessageFlags::empty())
    }

    /// Like [`UdpSocket::recv_from`], but leaves the datagram in the queue.
    ///
    /// Calls `socket.recv-from` with `peek`, like `recvfrom(2)` with
    /// `MSG_PEEK`.
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.recv_from_with_flags(buf, MessageFlags::PEEK)
    }

    fn recv_from_with_flags(
        &self,
        buf: &mut [u8],
        flags: MessageFlags,
    ) -> io::Result<(usize, SocketAddr)> {
        let (len, addr) = self.socket.recv_from_into(buf, flags)?;
        Ok((len, SockAddr::try_into(addr)?))
    }

    /// Sets the default destination and the only source datagrams are
    /// received from, trying each address `addr` resolves to until one
    /// works.
    ///
    /// Calls `socket.connect`, like `connect(2)`.
    pub fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        each_addr(addr, |addr| self.socket.connect(&addr.into()))
    }

    /// Sends a datagram to the connected peer.
    ///
    /// Calls `socket.send`, like `send(2)`.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.socket.send(buf)
    }

    /// Receives a datagram from the connected peer into `buf`.
    ///
    /// Calls `socket.recv`, like `recv(2)`.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv_into(buf, MessageFlags::empty())
    }

    /// Like [`UdpSocket::recv`], but leaves the datagram in the queue.
    ///
    /// Calls `socket.recv` with `peek`, like `recv(2)` with `MSG_PEEK`.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv_into(buf, MessageFlags::PEEK)
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

    /// Sets `SO_BROADCAST`: allow sending to broadcast addresses.
    ///
    /// Calls `socket.set-option(broadcast)`.
    pub fn set_broadcast(&self, broadcast: bool) -> io::Result<()> {
        self.socket.set_broadcast(broadcast)
    }

    /// Reads `SO_BROADCAST`.
    ///
    /// Calls `socket.get-option(broadcast)`.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.socket.broadcast()
    }

    /// Sets `IP_TTL`.
    ///
    /// Calls `socket.set-option(ttl)`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.socket.set_ttl(ttl)
    }

    /// Reads `IP_TTL`.
    ///
    /// Calls `socket.get-option(ttl)`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.socket.ttl()
    }
}
