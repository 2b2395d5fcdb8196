//! The raw socket: any family and type, configured before use, in the shape
//! of the `socket2` crate.
//!
//! A [`Socket`] is what every other socket type of this crate wraps. Use it
//! for what the std-shaped types cannot express: options to set before
//! `bind` or `connect`, sequenced-packet and raw sockets, flags on single
//! calls. Convert the result into a typed socket with `From`:
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use wasock::net::TcpListener;
//! use wasock::socket::{Domain, Socket, Type};
//!
//! fn main() -> std::io::Result<()> {
//!     let addr: SocketAddr = "[::]:8080".parse().unwrap();
//!     let socket = Socket::new(Domain::IPV6, Type::STREAM, None)?;
//!     socket.set_only_v6(false)?;
//!     socket.set_reuse_address(true)?;
//!     socket.bind(&addr.into())?;
//!     socket.listen(1024)?;
//!     let listener = TcpListener::from(socket);
//!     let (_stream, peer) = listener.accept()?;
//!     println!("connection from {peer}");
//!     Ok(())
//! }
//! ```

mod kind;
mod message;
mod options;

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::time::Duration;

pub use self::kind::{Domain, Protocol, Type};
pub use self::message::{
    Ancillary, Credentials, Ipv4PacketInfo, Ipv6PacketInfo, Message, RawAncillary, SendAncillary,
    cmsg_len, cmsg_space, rights_space, take_inherited_sockets,
};
pub use crate::addr::SockAddr;
use crate::bindings::wasock::sockets::socket as wit;
pub use crate::bindings::wasock::sockets::socket::{
    MtuDiscovery, OptionName, SocketOption, TcpInfo,
};
/// Flags for a single send or receive, the `flags` of `send(2)` and `recv(2)`.
pub use crate::bindings::wasock::sockets::types::MessageFlags;
use crate::bindings::wasock::sockets::types::{ShutdownHow, SocketAddress};

/// A socket of any family and type: the BSD socket object.
///
/// Dropping it closes the socket.
pub struct Socket {
    inner: wit::Socket,
}

/// Types that wrap a [`Socket`]: every socket type of this crate.
///
/// [`poll`](crate::poll::poll) and [`Poller`](crate::poll::Poller) take any
/// of them.
pub trait AsSocket {
    /// The socket underneath.
    fn as_socket(&self) -> &Socket;
}

impl AsSocket for Socket {
    fn as_socket(&self) -> &Socket {
        self
    }
}

impl Socket {
    /// Creates a socket. `None` as the protocol lets the host pick the
    /// default for the domain and type.
    ///
    /// The socket starts in blocking mode.
    ///
    /// Calls `socket.create-socket`, like `socket(2)`.
    pub fn new(domain: Domain, ty: Type, protocol: Option<Protocol>) -> io::Result<Socket> {
        let protocol = protocol.map_or(0, i32::from);
        let inner = wit::create_socket(domain.into(), ty.into(), protocol)?;
        Ok(Socket { inner })
    }

    /// Creates a pair of connected, unnamed sockets, like Python's
    /// `socket.socketpair`. Only [`Domain::UNIX`] makes pairs.
    ///
    /// Calls `socket.socketpair`, like `socketpair(2)`.
    pub fn pair(
        domain: Domain,
        ty: Type,
        protocol: Option<Protocol>,
    ) -> io::Result<(Socket, Socket)> {
        let protocol = protocol.map_or(0, i32::from);
        let (a, b) = wit::socketpair(domain.into(), ty.into(), protocol)?;
        Ok((Socket { inner: a }, Socket { inner: b }))
    }

    /// A new socket sharing this one (data, options, connection), in
    /// blocking mode, like Python's `socket.dup`.
    ///
    /// Calls `socket.dup`, like `dup(2)`.
    pub fn try_clone(&self) -> io::Result<Socket> {
        Ok(Socket {
            inner: self.inner.dup()?,
        })
    }

    /// The address family given at creation, like Python's `socket.family`.
    ///
    /// Calls `socket.family`.
    pub fn family(&self) -> Domain {
        self.inner.family().into()
    }

    /// The socket type given at creation, like Python's `socket.type`.
    ///
    /// Calls `socket.type`.
    pub fn socket_type(&self) -> Type {
        self.inner.type_().into()
    }

    /// The protocol in use (the host's choice when none was given), like
    /// Python's `socket.proto`.
    ///
    /// Calls `socket.protocol`.
    pub fn proto(&self) -> Protocol {
        self.inner.protocol().into()
    }

    /// Binds the socket to a local address.
    ///
    /// Calls `socket.bind`, like `bind(2)`.
    pub fn bind(&self, addr: &SockAddr) -> io::Result<()> {
        self.bind_wit(&addr.into())
    }

    /// [`Socket::bind`] to an address already in its WIT form.
    pub(crate) fn bind_wit(&self, addr: &SocketAddress) -> io::Result<()> {
        Ok(self.inner.bind(addr)?)
    }

    /// Listens for connections, with up to `backlog` pending. An unbound
    /// socket is bound to an ephemeral port first.
    ///
    /// Calls `socket.listen`, like `listen(2)`.
    pub fn listen(&self, backlog: u32) -> io::Result<()> {
        Ok(self.inner.listen(backlog)?)
    }

    /// Accepts a connection: the connected socket and the peer's address.
    /// The new socket is in blocking mode.
    ///
    /// Calls `socket.accept`, like `accept4(2)`.
    pub fn accept(&self) -> io::Result<(Socket, SockAddr)> {
        let (inner, addr) = self.inner.accept()?;
        Ok((Socket { inner }, addr.into()))
    }

    /// Connects to a remote address; on a datagram socket, sets the default
    /// destination. In non-blocking mode a stream connect fails with
    /// `in-progress` and completes in the background.
    ///
    /// Calls `socket.connect`, like `connect(2)`.
    pub fn connect(&self, addr: &SockAddr) -> io::Result<()> {
        self.connect_wit(&addr.into())
    }

    /// [`Socket::connect`] to an address already in its WIT form.
    pub(crate) fn connect_wit(&self, addr: &SocketAddress) -> io::Result<()> {
        Ok(self.inner.connect(addr)?)
    }

    /// Sends data on a connected socket; returns how many bytes were sent.
    ///
    /// Calls `socket.send`, like `send(2)`.
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_with_flags(buf, MessageFlags::empty())
    }

    /// Sends data with flags for this call.
    ///
    /// Calls `socket.send`, like `send(2)`.
    pub fn send_with_flags(&self, buf: &[u8], flags: MessageFlags) -> io::Result<usize> {
        Ok(to_usize(self.inner.send(buf, flags)?))
    }

    /// Sends all of `buf`, waiting for buffer space as needed, like Python's
    /// `sendall`. On error an unknown prefix may have been sent.
    ///
    /// Calls `socket.send-all`.
    pub fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        Ok(self.inner.send_all(buf, MessageFlags::empty())?)
    }

    /// Sends a datagram to `addr`; returns how many bytes were sent.
    ///
    /// Calls `socket.send-to`, like `sendto(2)`.
    pub fn send_to(&self, buf: &[u8], addr: &SockAddr) -> io::Result<usize> {
        self.send_to_with_flags(buf, addr, MessageFlags::empty())
    }

    /// Sends a datagram to `addr` with flags for this call.
    ///
    /// Calls `socket.send-to`, like `sendto(2)`.
    pub fn send_to_with_flags(
        &self,
        buf: &[u8],
        addr: &SockAddr,
        flags: MessageFlags,
    ) -> io::Result<usize> {
        self.send_to_wit(buf, &addr.into(), flags)
    }

    /// [`Socket::send_to_with_flags`] to an address already in its WIT form.
    pub(crate) fn send_to_wit(
        &self,
        buf: &[u8],
        addr: &SocketAddress,
        flags: MessageFlags,
    ) -> io::Result<usize> {
        Ok(to_usize(self.inner.send_to(buf, flags, addr)?))
    }

    /// Receives at most `max_len` bytes. An empty result on a stream socket
    /// means the peer closed the connection.
    ///
    /// Calls `socket.recv`, like `recv(2)`.
    pub fn recv(&self, max_len: usize) -> io::Result<Vec<u8>> {
        self.recv_with_flags(max_len, MessageFlags::empty())
    }

    /// Receives at most `max_len` bytes with flags for this call, e.g.
    /// [`MessageFlags::PEEK`].
    ///
    /// Calls `socket.recv`, like `recv(2)`.
    pub fn recv_with_flags(&self, max_len: usize, flags: MessageFlags) -> io::Result<Vec<u8>> {
        Ok(self.inner.recv(to_u64(max_len), flags)?)
    }

    /// Receives at most `max_len` bytes and the address they came from.
    ///
    /// Calls `socket.recv-from`, like `recvfrom(2)`.
    pub fn recv_from(&self, max_len: usize) -> io::Result<(Vec<u8>, SockAddr)> {
        self.recv_from_with_flags(max_len, MessageFlags::empty())
    }

    /// Receives at most `max_len` bytes and their source, with flags for
    /// this call.
    ///
    /// Calls `socket.recv-from`, like `recvfrom(2)`.
    pub fn recv_from_with_flags(
        &self,
        max_len: usize,
        flags: MessageFlags,
    ) -> io::Result<(Vec<u8>, SockAddr)> {
        let (data, addr) = self.inner.recv_from(to_u64(max_len), flags)?;
        Ok((data, addr.into()))
    }

    /// `Read::read` for stream sockets: an empty `buf` returns 0 at once,
    /// as it does natively, instead of waiting for data.
    pub(crate) fn read_stream(&self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.recv_into(buf, MessageFlags::empty())
    }

    /// Receives into `buf` and returns how many bytes arrived, like
    /// Python's `socket.recv_into`. The WIT hands the data over as a list,
    /// which is copied into `buf` once.
    ///
    /// Calls `socket.recv`, like `recv(2)`.
    pub fn recv_into(&self, buf: &mut [u8], flags: MessageFlags) -> io::Result<usize> {
        let data = self.recv_with_flags(buf.len(), flags)?;
        Ok(copy_into(buf, &data))
    }

    /// Receives into `buf` and returns the byte count and the source, like
    /// Python's `socket.recvfrom_into`.
    ///
    /// Calls `socket.recv-from`, like `recvfrom(2)`.
    pub fn recv_from_into(
        &self,
        buf: &mut [u8],
        flags: MessageFlags,
    ) -> io::Result<(usize, SockAddr)> {
        let (data, addr) = self.recv_from_with_flags(buf.len(), flags)?;
        Ok((copy_into(buf, &data), addr))
    }

    /// Closes the socket now, like Python's `socket.close`: later calls
    /// fail with [`ErrorCode::BadDescriptor`](crate::ErrorCode) (EBADF) and
    /// closing again does nothing. Dropping the socket closes it too.
    ///
    /// Calls `socket.close`, like `close(2)`.
    pub fn close(&self) -> io::Result<()> {
        Ok(self.inner.close()?)
    }

    /// Shuts down reading, writing or both.
    ///
    /// Calls `socket.shutdown`, like `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let how = match how {
            Shutdown::Read => ShutdownHow::Read,
            Shutdown::Write => ShutdownHow::Write,
            Shutdown::Both => ShutdownHow::Both,
        };
        Ok(self.inner.shutdown(how)?)
    }

    /// The address the socket is bound to. An unbound IP socket reports the
    /// unspecified address and port 0; an unbound Unix socket is unnamed.
    ///
    /// Calls `socket.local-address`, like `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SockAddr> {
        Ok(self.inner.local_address()?.into())
    }

    /// The address of the connected peer.
    ///
    /// Calls `socket.remote-address`, like `getpeername(2)`.
    pub fn peer_addr(&self) -> io::Result<SockAddr> {
        Ok(self.inner.remote_address()?.into())
    }

    /// Sets the socket's mode like Python's `settimeout`: `None` is
    /// blocking, a zero duration non-blocking, anything else the longest a
    /// call may wait before failing with
    /// [`TimedOut`](io::ErrorKind::TimedOut).
    ///
    /// Calls `socket.set-timeout`.
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        self.inner.set_timeout(timeout.map(nanos));
    }

    /// The socket's mode as set by [`Socket::set_timeout`], like Python's
    /// `gettimeout`.
    ///
    /// Calls `socket.timeout`.
    pub fn timeout(&self) -> Option<Duration> {
        self.inner.timeout().map(Duration::from_nanos)
    }

    /// Moves the socket into or out of non-blocking mode, like Python's
    /// `setblocking(not nonblocking)`: `true` sets a zero timeout, `false`
    /// sets blocking mode and so also clears any timeout.
    ///
    /// Never fails; the `Result` matches std.
    ///
    /// Calls `socket.set-timeout`.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.set_timeout(nonblocking.then_some(Duration::ZERO));
        Ok(())
    }

    /// The WIT resource underneath, for calls this crate does not wrap.
    pub fn as_raw(&self) -> &wit::Socket {
        &self.inner
    }
}

/// Shows the family, the type and, when it has one, the local address.
impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Socket");
        debug.field("family", &self.family());
        debug.field("type", &self.socket_type());
        if let Ok(addr) = self.local_addr() {
            debug.field("local", &addr);
        }
        debug.finish()
    }
}

impl From<wit::Socket> for Socket {
    fn from(inner: wit::Socket) -> Socket {
        Socket { inner }
    }
}

impl From<Socket> for wit::Socket {
    fn from(socket: Socket) -> wit::Socket {
        socket.inner
    }
}

/// Copies as much of `data` as fits into `buf`; returns how much that was.
fn copy_into(buf: &mut [u8], data: &[u8]) -> usize {
    let len = data.len().min(buf.len());
    buf[..len].copy_from_slice(&data[..len]);
    len
}

/// Byte counts from the host never exceed the buffer they describe, and
/// sizes only saturate on targets where `usize` is narrower than 64 bits.
fn to_usize(len: u64) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

/// A duration in the WIT's nanoseconds, saturating after 584 years.
pub(crate) fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

fn to_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}
