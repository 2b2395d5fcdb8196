//! TCP listeners and streams.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use super::addrs::{ToSocketAddrs, each_addr};
use crate::socket::{Domain, MessageFlags, Socket, Type};
use crate::wrapper::socket_wrapper;
use crate::{ErrorCode, error};

/// A TCP socket server, listening for connections: std's `TcpListener`.
///
/// ```no_run
/// use std::io::{Read, Write};
/// use wasock::net::TcpListener;
///
/// fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:8080")?;
///     for stream in listener.incoming() {
///         let mut stream = stream?;
///         let mut buf = [0; 1024];
///         let len = stream.read(&mut buf)?;
///         stream.write_all(&buf[..len])?;
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct TcpListener {
    socket: Socket,
}

socket_wrapper!(TcpListener);

impl TcpListener {
    /// Creates a listener bound to `addr`, trying each address it resolves
    /// to until one binds; when none does, the error for the first address
    /// is returned.
    ///
    /// As std does on Unix, `SO_REUSEADDR` is set before binding, and the
    /// backlog is 128.
    ///
    /// Calls `socket.create-socket`, `socket.set-option(reuse-address)`,
    /// `socket.bind` and `socket.listen`, like `socket(2)`, `setsockopt(2)`,
    /// `bind(2)` and `listen(2)`.
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |addr| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            socket.set_reuse_address(true)?;
            socket.bind(&addr.into())?;
            socket.listen(128)?;
            Ok(TcpListener { socket })
        })
    }

    /// The address the listener is bound to.
    ///
    /// Calls `socket.local-address`, like `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()?.try_into()
    }

    /// Waits for a connection and returns it with the peer's address. The
    /// new stream is in blocking mode.
    ///
    /// Calls `socket.accept`, like `accept4(2)`.
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (socket, addr) = self.socket.accept()?;
        Ok((TcpStream { socket }, addr.try_into()?))
    }

    /// An endless iterator over incoming connections, calling
    /// [`TcpListener::accept`] for each.
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// Sets `IP_TTL` for accepted connections.
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

/// The iterator returned by [`TcpListener::incoming`]; it never ends.
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn next(&mut self) -> Option<io::Result<TcpStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }
}

/// A TCP connection: std's `TcpStream`, with `Read` and `Write`.
///
/// `write_all` sends the whole buffer in one host call (`socket.send-all`).
#[derive(Debug)]
pub struct TcpStream {
    socket: Socket,
}

socket_wrapper!(TcpStream);

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in order and
    /// returning the first connection made.
    ///
    /// When every address fails, the error for the first address is
    /// returned. (std and Python's `socket.create_connection` return the
    /// last; under a policy that grants only some of a name's addresses, that
    /// would report a denied fallback instead of the failure that matters.)
    ///
    /// Calls `socket.create-socket` and `socket.connect`, like `socket(2)`
    /// and `connect(2)`.
    pub fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, |addr| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            socket.connect(&addr.into())?;
            Ok(TcpStream { socket })
        })
    }

    /// Connects to `addr`, failing with
    /// [`TimedOut`](io::ErrorKind::TimedOut) after `timeout`. The stream is
    /// in blocking mode afterwards. A zero timeout is
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), as in std.
    ///
    /// Calls `socket.create-socket`, `socket.set-timeout` and
    /// `socket.connect`, like `socket(2)` and `connect(2)`.
    pub fn connect_timeout(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        if timeout.is_zero() {
            return Err(error::local(
                ErrorCode::InvalidArgument,
                "cannot set a 0 duration timeout",
            ));
        }
        let socket = Socket::new(Domain::for_address(*addr), Type::STREAM, None)?;
        socket.set_timeout(Some(timeout));
        socket.connect(&(*addr).into())?;
        socket.set_timeout(None);
        Ok(TcpStream { socket })
    }

    /// The address of the remote end.
    ///
    /// Calls `socket.remote-address`, like `getpeername(2)`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.peer_addr()?.try_into()
    }

    /// The address of the local end.
    ///
    /// Calls `socket.local-address`, like `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()?.try_into()
    }

    /// Shuts down the read half, the write half, or both.
    ///
    /// Calls `socket.shutdown`, like `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.socket.shutdown(how)
    }

    /// Reads data without removing it from the queue.
    ///
    /// Calls `socket.recv` with `peek`, like `recv(2)` with `MSG_PEEK`.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv_into(buf, MessageFlags::PEEK)
    }

    /// Sets `TCP_NODELAY`: disable Nagle's algorithm.
    ///
    /// Calls `socket.set-option(no-delay)`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.socket.set_nodelay(nodelay)
    }

    /// Reads `TCP_NODELAY`.
    ///
    /// Calls `socket.get-option(no-delay)`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.socket.nodelay()
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

crate::wrapper::stream_io!(TcpStream);
