//! `wasock:sockets/types`: turning core errors into WIT errors.

use crate::bindings::types::{self, Error, ErrorCode};
use crate::core::SocketError;
use crate::ctx::SocketsCtxView;

impl types::Host for SocketsCtxView<'_> {
    fn convert_error(&mut self, error: SocketError) -> wasmtime::Result<Error> {
        match error {
            SocketError::Os { errno, message } => Ok(wit_error(errno, message)),
            SocketError::Trap(trap) => Err(trap),
        }
    }
}

/// The WIT error for an `errno`. An `errno` without a case of its own
/// becomes `other`, with the `errno` named in the message.
pub(crate) fn wit_error(errno: i32, message: Option<String>) -> Error {
    let code = error_code(errno);
    let message = match (code, message) {
        (ErrorCode::Other, None) => {
            tracing::debug!("errno {errno} has no WIT error code");
            Some(format!(
                "{} (os error {errno})",
                std::io::Error::from_raw_os_error(errno)
            ))
        }
        (_, message) => message,
    };
    Error { code, message }
}

/// The error code for a Linux `errno`.
pub(crate) fn error_code(errno: i32) -> ErrorCode {
    use ErrorCode::*;
    match errno {
        libc::EACCES => AccessDenied,
        libc::EPERM => NotPermitted,
        libc::EADDRINUSE => AddressInUse,
        libc::EADDRNOTAVAIL => AddressNotAvailable,
        libc::EAFNOSUPPORT => AddressFamilyNotSupported,
        libc::EPROTONOSUPPORT => ProtocolNotSupported,
        libc::ESOCKTNOSUPPORT => SocketTypeNotSupported,
        libc::EPROTOTYPE => WrongProtocolType,
        libc::ENOPROTOOPT => NotSupported,
        libc::EOPNOTSUPP => OperationNotSupported,
        libc::EAGAIN => WouldBlock,
        libc::EINPROGRESS => InProgress,
        libc::EALREADY => AlreadyInProgress,
        libc::EISCONN => AlreadyConnected,
        libc::ENOTCONN => NotConnected,
        libc::EDESTADDRREQ => DestinationAddressRequired,
        libc::ECONNREFUSED => ConnectionRefused,
        libc::ECONNRESET => ConnectionReset,
        libc::ECONNABORTED => ConnectionAborted,
        libc::EPIPE => BrokenPipe,
        libc::ESHUTDOWN => ShutDown,
        libc::ETIMEDOUT => TimedOut,
        libc::EHOSTUNREACH => HostUnreachable,
        libc::EHOSTDOWN => HostDown,
        libc::ENETUNREACH => NetworkUnreachable,
        libc::ENETDOWN => NetworkDown,
        libc::ENETRESET => NetworkReset,
        libc::EINVAL => InvalidArgument,
        libc::EMSGSIZE => MessageTooLong,
        libc::ENOBUFS => NoBufferSpace,
        libc::ENOMEM => OutOfMemory,
        libc::EMFILE => TooManyOpenFiles,
        libc::ENFILE => SystemFileLimit,
        libc::ENOENT => NotFound,
        libc::EEXIST => AlreadyExists,
        libc::ENOTDIR => NotADirectory,
        libc::ENAMETOOLONG => NameTooLong,
        libc::ELOOP => SymlinkLoop,
        libc::EROFS => ReadOnlyFileSystem,
        libc::ENOTSOCK => NotASocket,
        libc::ENODEV => NoSuchDevice,
        libc::ENXIO => NoSuchDeviceOrAddress,
        libc::EBADF => BadDescriptor,
        libc::EPROTO => ProtocolError,
        libc::EINTR => Interrupted,
        _ => Other,
    }
}
