//! What every typed socket shares: conversions to and from [`Socket`] and
//! the calls that work on any socket.
//!
//! [`Socket`]: crate::socket::Socket

/// Implements the shared conversions and methods for a type that holds its
/// [`Socket`](crate::socket::Socket) in a field named `socket`.
macro_rules! socket_wrapper {
    ($ty:ident) => {
        impl $crate::socket::AsSocket for $ty {
            fn as_socket(&self) -> &$crate::socket::Socket {
                &self.socket
            }
        }

        impl From<$crate::socket::Socket> for $ty {
            /// Wraps a socket as it is; its family, type and state are not
            /// checked.
            fn from(socket: $crate::socket::Socket) -> $ty {
                $ty { socket }
            }
        }

        impl From<$ty> for $crate::socket::Socket {
            fn from(wrapper: $ty) -> $crate::socket::Socket {
                wrapper.socket
            }
        }

        impl $ty {
            /// Sets the socket's mode like Python's `settimeout`: `None` is
            /// blocking, a zero duration non-blocking, anything else the
            /// longest a call may wait before failing with
            /// [`TimedOut`](std::io::ErrorKind::TimedOut).
            ///
            /// Calls `socket.set-timeout`.
            pub fn set_timeout(&self, timeout: Option<std::time::Duration>) {
                self.socket.set_timeout(timeout)
            }

            /// The socket's mode as set by `set_timeout`, like Python's
            /// `gettimeout`.
            ///
            /// Calls `socket.timeout`.
            pub fn timeout(&self) -> Option<std::time::Duration> {
                self.socket.timeout()
            }

            /// Moves the socket into or out of non-blocking mode, like
            /// Python's `setblocking(not nonblocking)`: `true` sets a zero
            /// timeout, `false` sets blocking mode and so also clears any
            /// timeout. Never fails; the `Result` matches std.
            ///
            /// Calls `socket.set-timeout`.
            pub fn set_nonblocking(&self, nonblocking: bool) -> std::io::Result<()> {
                self.socket.set_nonblocking(nonblocking)
            }

            /// A new handle to the same socket, in blocking mode, like
            /// Python's `socket.dup`.
            ///
            /// Calls `socket.dup`, like `dup(2)`.
            pub fn try_clone(&self) -> std::io::Result<$ty> {
                Ok($ty {
                    socket: self.socket.try_clone()?,
                })
            }

            /// Reads and clears the pending error (`SO_ERROR`).
            ///
            /// Calls `socket.get-option(pending-error)`.
            pub fn take_error(&self) -> std::io::Result<Option<std::io::Error>> {
                self.socket.take_error()
            }
        }
    };
}

pub(crate) use socket_wrapper;

/// Implements `Read` and `Write` for a connected stream type and for shared
/// references to it, the way std does for `TcpStream`.
macro_rules! stream_io {
    ($ty:ident) => {
        /// Calls `socket.recv`, like `recv(2)`.
        impl std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                (&*self).read(buf)
            }
        }

        /// Calls `socket.recv`, like `recv(2)`.
        impl std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.socket.read_stream(buf)
            }
        }

        /// `write` calls `socket.send`, like `send(2)`; `write_all` calls
        /// `socket.send-all`; `flush` does nothing.
        impl std::io::Write for $ty {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                (&*self).write(buf)
            }

            fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
                (&*self).write_all(buf)
            }

            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        /// `write` calls `socket.send`, like `send(2)`; `write_all` calls
        /// `socket.send-all`; `flush` does nothing.
        impl std::io::Write for &$ty {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.socket.send(buf)
            }

            fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
                self.socket.send_all(buf)
            }

            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
    };
}

pub(crate) use stream_io;
