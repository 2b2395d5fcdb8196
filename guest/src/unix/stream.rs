//! Unix-domain stream listeners and connections.

use std::io;
use std::net::Shutdown;
use std::path::Path;

use super::SocketAddr;
use crate::socket::{Domain, Socket, Type};
use crate::wrapper::socket_wrapper;

/// A Unix-domain socket server, listening for connections: std's
/// `UnixListener`.
///
/// ```no_run
/// use std::io::{Read, Write};
/// use wasock::unix::UnixListener;
///
/// fn main() -> std::io::Result<()> {
///     let listener = UnixListener::bind("./echo.sock")?;
///     let (mut stream, _) = listener.accept()?;
///     let mut buf = [0; 1024];
///     let len = stream.read(&mut buf)?;
///     stream.write_all(&buf[..len])?;
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct UnixListener {
    socket: Socket,
}

socket_wrapper!(UnixListener);

impl UnixListener {
    /// Creates a listener bound to `path`, with a backlog of 128.
    ///
    /// Calls `socket.create-socket`, `socket.bind` and `socket.listen`, like
    /// `socket(2)`, `bind(2)` and `listen(2)`.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        UnixListener::bind_addr(&SocketAddr::from_pathname(path)?)
    }

    /// Creates a listener bound to `addr`, which may be an abstract name.
    ///
    /// Calls `socket.create-socket`, `socket.bind` and `socket.listen`, like
    /// `socket(2)`, `bind(2)` and `listen(2)`.
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixListener> {
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.bind_wit(&addr.into())?;
        socket.listen(128)?;
        Ok(UnixListener { socket })
    }

    /// Waits for a connection and returns it with the peer's address,
    /// usually unnamed. The new stream is in blocking mode.
    ///
    /// Calls `socket.accept`, like `accept4(2)`.
    pub fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (socket, addr) = self.socket.accept()?;
        Ok((UnixStream { socket }, addr.try_into()?))
    }

    /// An endless iterator over incoming connections, calling
    /// [`UnixListener::accept`] for each.
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// The address the listener is bound to.
    ///
    /// Calls `socket.local-address`, like `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()?.try_into()
    }
}

/// The iterator returned by [`UnixListener::incoming`]; it never ends.
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a UnixListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<UnixStream>;

    fn next(&mut self) -> Option<io::Result<UnixStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }
}

/// A Unix-domain stream connection: std's `UnixStream`, with `Read` and
/// `Write`.
///
/// `write_all` sends the whole buffer in one host call (`socket.send-all`).
#[derive(Debug)]
pub struct UnixStream {
    socket: Socket,
}

socket_wrapper!(UnixStream);

impl UnixStream {
    /// Creates a pair of connected, unnamed stream sockets.
    ///
    /// Calls `socket.socketpair`, like `socketpair(2)`.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None)?;
        Ok((UnixStream { socket: a }, UnixStream { socket: b }))
    }

    /// Connects to the socket at `path`.
    ///
    /// Calls `socket.create-socket` and `socket.connect`, like `socket(2)`
    /// and `connect(2)`.
    pub fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        UnixStream::connect_addr(&SocketAddr::from_pathname(path)?)
    }

    /// Connects to `addr`, which may be an abstract name.
    ///
    /// Calls `socket.create-socket` and `socket.connect`, like `socket(2)`
    /// and `connect(2)`.
    pub fn connect_addr(addr: &SocketAddr) -> io::Result<UnixStream> {
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.connect_wit(&addr.into())?;
        Ok(UnixStream { socket })
    }

    /// The address of the remote end.
    ///
    /// Calls `socket.remote-address`, like `getpeername(2)`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.peer_addr()?.try_into()
    }

    /// The address of the local end, usually unnamed.
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
}

crate::wrapper::stream_io!(UnixStream);
