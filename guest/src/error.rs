//! The socket error reported by the host, and its place inside `io::Error`.

use std::fmt;
use std::io;

use crate::bindings::wasock::sockets::types;
use crate::lookup::ResolveError;

/// The `errno`-like code of a socket error, one case per Linux `errno` a
/// socket call can return.
pub use crate::bindings::wasock::sockets::types::ErrorCode;

/// A socket error as the host reported it: an [`ErrorCode`] and, when the
/// host had more to say, a message (for a policy denial: which use of which
/// address was denied).
///
/// Every fallible function of this crate returns an [`io::Error`] that
/// carries one of these; get it back with [`Error::from_io`]. It displays
/// like Python's `OSError`:
///
/// ```text
/// [Errno 111] Connection refused
/// [Errno 13] Permission denied: connect to 10.0.0.1:80 is not granted
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: Option<String>,
}

impl Error {
    /// An error with `code` and an optional explanation.
    pub fn new(code: ErrorCode, message: Option<String>) -> Error {
        Error { code, message }
    }

    /// The `wasock:sockets` error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The host's explanation, if it gave one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The Linux `errno` value of the code, e.g. 111 for
    /// [`ErrorCode::ConnectionRefused`].
    ///
    /// [`ErrorCode::Other`] has no number of its own: the host names the
    /// `errno` in the message, and when the message contains `os error N`
    /// (the form Rust's `io::Error` prints) this returns `N`; otherwise 0.
    pub fn errno(&self) -> i32 {
        match self.code {
            ErrorCode::Other => self.message().and_then(parse_os_error).unwrap_or(0),
            code => describe(code).0,
        }
    }

    /// The text glibc's `strerror` gives for the code, e.g.
    /// `"Connection refused"`; `"Unknown error"` for [`ErrorCode::Other`].
    pub fn strerror(&self) -> &'static str {
        describe(self.code).1
    }

    /// The [`io::ErrorKind`] std gives this `errno` on Linux.
    ///
    /// The "not supported" family (`EAFNOSUPPORT`, `EPROTONOSUPPORT`,
    /// `ESOCKTNOSUPPORT`, `ENOPROTOOPT`, `EOPNOTSUPP`) is
    /// [`Unsupported`](io::ErrorKind::Unsupported); codes std leaves
    /// uncategorized are [`Other`](io::ErrorKind::Other).
    pub fn kind(&self) -> io::ErrorKind {
        describe(self.code).2
    }

    /// The socket error inside an [`io::Error`] returned by this crate.
    ///
    /// Returns `None` for errors that did not come from this crate. A
    /// [`ResolveError`] carrying a system error yields that error.
    ///
    /// ```no_run
    /// use wasock::{Error, ErrorCode};
    ///
    /// match wasock::net::TcpStream::connect("127.0.0.1:9") {
    ///     Err(err) if Error::from_io(&err).map(Error::code) == Some(ErrorCode::AccessDenied) => {
    ///         println!("the policy denies it: {err}");
    ///     }
    ///     other => println!("{other:?}"),
    /// }
    /// ```
    pub fn from_io(err: &io::Error) -> Option<&Error> {
        let inner = err.get_ref()?;
        inner.downcast_ref::<Error>().or_else(|| {
            inner
                .downcast_ref::<ResolveError>()
                .and_then(ResolveError::system_error)
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.message()) {
            (ErrorCode::Other, Some(message)) => write!(f, "[Errno {}] {message}", self.errno()),
            (_, Some(message)) => {
                write!(f, "[Errno {}] {}: {message}", self.errno(), self.strerror())
            }
            (_, None) => write!(f, "[Errno {}] {}", self.errno(), self.strerror()),
        }
    }
}

impl std::error::Error for Error {}

impl From<types::Error> for Error {
    fn from(err: types::Error) -> Error {
        Error::new(err.code, err.message)
    }
}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        io::Error::new(err.kind(), err)
    }
}

impl From<types::Error> for io::Error {
    fn from(err: types::Error) -> io::Error {
        Error::from(err).into()
    }
}

/// An error made in the guest, before or after a host call, with the code
/// the host would have used.
pub(crate) fn local(code: ErrorCode, message: &str) -> io::Error {
    Error::new(code, Some(message.to_owned())).into()
}

/// Reads `N` from a message containing `os error N`.
fn parse_os_error(message: &str) -> Option<i32> {
    let (_, rest) = message.split_once("os error ")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

/// The Linux `errno`, glibc's `strerror` text and std's `ErrorKind` of a code.
fn describe(code: ErrorCode) -> (i32, &'static str, io::ErrorKind) {
    use io::ErrorKind as K;
    match code {
        ErrorCode::AccessDenied => (13, "Permission denied", K::PermissionDenied),
        ErrorCode::NotPermitted => (1, "Operation not permitted", K::PermissionDenied),
        ErrorCode::AddressInUse => (98, "Address already in use", K::AddrInUse),
        ErrorCode::AddressNotAvailable => {
            (99, "Cannot assign requested address", K::AddrNotAvailable)
        }
        ErrorCode::AddressFamilyNotSupported => (
            97,
            "Address family not supported by protocol",
            K::Unsupported,
        ),
        ErrorCode::ProtocolNotSupported => (93, "Protocol not supported", K::Unsupported),
        ErrorCode::SocketTypeNotSupported => (94, "Socket type not supported", K::Unsupported),
        ErrorCode::WrongProtocolType => (91, "Protocol wrong type for socket", K::Other),
        ErrorCode::NotSupported => (92, "Protocol not available", K::Unsupported),
        ErrorCode::OperationNotSupported => (95, "Operation not supported", K::Unsupported),
        ErrorCode::WouldBlock => (11, "Resource temporarily unavailable", K::WouldBlock),
        // `ErrorKind::InProgress` is not stable in Rust 1.95.
        ErrorCode::InProgress => (115, "Operation now in progress", K::Other),
        ErrorCode::AlreadyInProgress => (114, "Operation already in progress", K::Other),
        ErrorCode::AlreadyConnected => (106, "Transport endpoint is already connected", K::Other),
        ErrorCode::NotConnected => (107, "Transport endpoint is not connected", K::NotConnected),
        ErrorCode::DestinationAddressRequired => (89, "Destination address required", K::Other),
        ErrorCode::ConnectionRefused => (111, "Connection refused", K::ConnectionRefused),
        ErrorCode::ConnectionReset => (104, "Connection reset by peer", K::ConnectionReset),
        ErrorCode::ConnectionAborted => (
            103,
            "Software caused connection abort",
            K::ConnectionAborted,
        ),
        ErrorCode::BrokenPipe => (32, "Broken pipe", K::BrokenPipe),
        ErrorCode::ShutDown => (
            108,
            "Cannot send after transport endpoint shutdown",
            K::Other,
        ),
        ErrorCode::TimedOut => (110, "Connection timed out", K::TimedOut),
        ErrorCode::HostUnreachable => (113, "No route to host", K::HostUnreachable),
        ErrorCode::HostDown => (112, "Host is down", K::Other),
        ErrorCode::NetworkUnreachable => (101, "Network is unreachable", K::NetworkUnreachable),
        ErrorCode::NetworkDown => (100, "Network is down", K::NetworkDown),
        ErrorCode::NetworkReset => (102, "Network dropped connection on reset", K::Other),
        ErrorCode::InvalidArgument => (22, "Invalid argument", K::InvalidInput),
        ErrorCode::MessageTooLong => (90, "Message too long", K::Other),
        ErrorCode::NoBufferSpace => (105, "No buffer space available", K::Other),
        ErrorCode::OutOfMemory => (12, "Cannot allocate memory", K::OutOfMemory),
        ErrorCode::TooManyOpenFiles => (24, "Too many open files", K::Other),
        ErrorCode::SystemFileLimit => (23, "Too many open files in system", K::Other),
        ErrorCode::NotFound => (2, "No such file or directory", K::NotFound),
        ErrorCode::AlreadyExists => (17, "File exists", K::AlreadyExists),
        ErrorCode::NotADirectory => (20, "Not a directory", K::NotADirectory),
        ErrorCode::NameTooLong => (36, "File name too long", K::InvalidFilename),
        // `ErrorKind::FilesystemLoop` is not stable in Rust 1.95.
        ErrorCode::SymlinkLoop => (40, "Too many levels of symbolic links", K::Other),
        ErrorCode::ReadOnlyFileSystem => (30, "Read-only file system", K::ReadOnlyFilesystem),
        ErrorCode::NotASocket => (88, "Socket operation on non-socket", K::Other),
        ErrorCode::NoSuchDevice => (19, "No such device", K::Other),
        ErrorCode::NoSuchDeviceOrAddress => (6, "No such device or address", K::Other),
        ErrorCode::BadDescriptor => (9, "Bad file descriptor", K::Other),
        ErrorCode::ProtocolError => (71, "Protocol error", K::Other),
        ErrorCode::Interrupted => (4, "Interrupted system call", K::Interrupted),
        ErrorCode::Other => (0, "Unknown error", K::Other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_oserror() {
        let refused = Error::new(ErrorCode::ConnectionRefused, None);
        assert_eq!(refused.to_string(), "[Errno 111] Connection refused");
        let denied = Error::new(ErrorCode::AccessDenied, Some("no grant".into()));
        assert_eq!(denied.to_string(), "[Errno 13] Permission denied: no grant");
    }

    #[test]
    fn other_takes_errno_from_message() {
        let other = Error::new(
            ErrorCode::Other,
            Some("Link has been severed (os error 67)".into()),
        );
        assert_eq!(other.errno(), 67);
        assert_eq!(
            other.to_string(),
            "[Errno 67] Link has been severed (os error 67)"
        );
        assert_eq!(Error::new(ErrorCode::Other, None).errno(), 0);
    }

    #[test]
    fn survives_io_error() {
        let err = io::Error::from(Error::new(ErrorCode::WouldBlock, None));
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(
            Error::from_io(&err).map(Error::code),
            Some(ErrorCode::WouldBlock)
        );
        assert_eq!(
            err.to_string(),
            "[Errno 11] Resource temporarily unavailable"
        );
        assert!(Error::from_io(&io::Error::other("elsewhere")).is_none());
    }
}
