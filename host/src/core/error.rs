//! The error type of socket operations: a Linux `errno` with an optional
//! explanation, or a trap for broken host invariants.

use std::fmt;
use std::io;

use wasmtime::component::ResourceTableError;

/// An error from a socket operation.
///
/// `Os` errors go back to the guest as a WIT `error`; `Trap` aborts the guest
/// (a stale or forged resource handle, never a socket failure).
#[derive(Debug)]
pub enum SocketError {
    /// An `errno` as Linux would report it, with an optional message (a policy
    /// denial names what was denied).
    Os {
        /// The Linux `errno` value.
        errno: i32,
        /// More than the code says, if anything.
        message: Option<String>,
    },
    /// The guest broke a host invariant; it is trapped.
    Trap(wasmtime::Error),
}

impl SocketError {
    /// An error with this `errno` and no message.
    pub fn errno(errno: i32) -> Self {
        SocketError::Os {
            errno,
            message: None,
        }
    }

    /// An error with this `errno` and an explanation.
    pub fn with_message(errno: i32, message: impl Into<String>) -> Self {
        SocketError::Os {
            errno,
            message: Some(message.into()),
        }
    }

    /// A policy denial: `EACCES` naming what was denied.
    pub fn denied(message: impl Into<String>) -> Self {
        Self::with_message(libc::EACCES, message)
    }

    /// The socket's timeout expired (Python's `socket.timeout`).
    pub fn timed_out() -> Self {
        Self::with_message(libc::ETIMEDOUT, "timed out")
    }

    /// The `errno`, if this is not a trap.
    pub fn raw_errno(&self) -> Option<i32> {
        match self {
            SocketError::Os { errno, .. } => Some(*errno),
            SocketError::Trap(_) => None,
        }
    }
}

impl From<io::Error> for SocketError {
    fn from(error: io::Error) -> Self {
        match error.raw_os_error() {
            Some(errno) => SocketError::errno(errno),
            None => SocketError::with_message(errno_of_kind(error.kind()), error.to_string()),
        }
    }
}

impl From<ResourceTableError> for SocketError {
    fn from(error: ResourceTableError) -> Self {
        SocketError::Trap(error.into())
    }
}

impl From<wasmtime::Error> for SocketError {
    fn from(error: wasmtime::Error) -> Self {
        SocketError::Trap(error)
    }
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketError::Os {
                errno,
                message: Some(message),
            } => {
                write!(f, "{message} ({})", io::Error::from_raw_os_error(*errno))
            }
            SocketError::Os {
                errno,
                message: None,
            } => {
                write!(f, "{}", io::Error::from_raw_os_error(*errno))
            }
            SocketError::Trap(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for SocketError {}

/// The `errno` for an `io::Error` that carries none (errors made by std or
/// tokio rather than a system call).
fn errno_of_kind(kind: io::ErrorKind) -> i32 {
    use io::ErrorKind::*;
    match kind {
        WouldBlock => libc::EAGAIN,
        TimedOut => libc::ETIMEDOUT,
        InvalidInput | InvalidData => libc::EINVAL,
        PermissionDenied => libc::EACCES,
        NotFound => libc::ENOENT,
        OutOfMemory => libc::ENOMEM,
        Unsupported => libc::EOPNOTSUPP,
        _ => libc::EIO,
    }
}
