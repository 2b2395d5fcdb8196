//! The errors of name services: `gaierror` ([`ResolveError`]) and `herror`
//! ([`HostError`]), displayed as Python displays them.

use std::fmt;
use std::io;

use crate::Error;
use crate::bindings::wasock::sockets::resolver::{
    HostError as WitHostError, ResolveError as WitResolveError,
};

/// A name-service error, an `EAI_*` code of `getaddrinfo(3)`, or a socket
/// error behind `EAI_SYSTEM`.
///
/// It displays like Python's `socket.gaierror`, with glibc's texts:
/// `[Errno -2] Name or service not known`. A system error displays as the
/// socket error it carries, as Python raises it as `OSError`.
///
/// As an [`io::Error`] (through `From`), its kind is that of the system
/// error, or [`Other`](io::ErrorKind::Other); get it back with
/// `err.get_ref().and_then(|e| e.downcast_ref::<ResolveError>())`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    code: i32,
    system: Option<Error>,
}

/// glibc's `EAI_ADDRFAMILY`: the host has no address of the family.
const EAI_ADDRFAMILY: i32 = -9;

impl ResolveError {
    /// The error for a host that has no address of the family asked for
    /// (`EAI_ADDRFAMILY`).
    pub(crate) fn address_family() -> ResolveError {
        ResolveError {
            code: EAI_ADDRFAMILY,
            system: None,
        }
    }

    /// The glibc `EAI_*` value, e.g. -2 for `EAI_NONAME` and -11 for
    /// `EAI_SYSTEM`.
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The socket error behind an `EAI_SYSTEM` failure; `access-denied`
    /// when the policy denies the lookup.
    pub fn system_error(&self) -> Option<&Error> {
        self.system.as_ref()
    }

    /// glibc's `gai_strerror` text for the code.
    pub fn strerror(&self) -> &'static str {
        match self.code {
            -1 => "Bad value for ai_flags",
            -2 => "Name or service not known",
            -3 => "Temporary failure in name resolution",
            -4 => "Non-recoverable failure in name resolution",
            -5 => "No address associated with hostname",
            -6 => "ai_family not supported",
            -7 => "ai_socktype not supported",
            -8 => "Servname not supported for ai_socktype",
            EAI_ADDRFAMILY => "Address family for hostname not supported",
            -10 => "Memory allocation failure",
            _ => "System error",
        }
    }
}

impl From<WitResolveError> for ResolveError {
    fn from(err: WitResolveError) -> ResolveError {
        let code = match err {
            WitResolveError::BadFlags => -1,
            WitResolveError::NoName => -2,
            WitResolveError::Again => -3,
            WitResolveError::Fail => -4,
            WitResolveError::NoData => -5,
            WitResolveError::Family => -6,
            WitResolveError::SocketType => -7,
            WitResolveError::Service => -8,
            WitResolveError::AddressFamily => EAI_ADDRFAMILY,
            WitResolveError::Memory => -10,
            WitResolveError::System(err) => {
                return ResolveError {
                    code: -11,
                    system: Some(err.into()),
                };
            }
        };
        ResolveError { code, system: None }
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.system {
            Some(err) => err.fmt(f),
            None => write!(f, "[Errno {}] {}", self.code, self.strerror()),
        }
    }
}

impl std::error::Error for ResolveError {}

impl From<ResolveError> for io::Error {
    fn from(err: ResolveError) -> io::Error {
        let kind = err
            .system
            .as_ref()
            .map_or(io::ErrorKind::Other, Error::kind);
        io::Error::new(kind, err)
    }
}

/// Why [`gethostbyname_ex`](super::gethostbyname_ex) or
/// [`gethostbyaddr`](super::gethostbyaddr) failed, as Python raises it.
///
/// It displays like Python's exception: `socket.herror` for the host
/// database's `h_errno` (`[Errno 1] Unknown host`), `socket.gaierror` for the
/// translation of the name that comes first, `OSError` for a system error
/// (a policy denial is `[Errno 13] Permission denied: …`).
///
/// As an [`io::Error`] (through `From`), a [`Resolve`](HostError::Resolve)
/// or [`System`](HostError::System) error becomes the `io::Error` of the
/// error it carries, so [`Error::from_io`] finds the socket error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    /// Translating the name into an address failed (`socket.gaierror`).
    Resolve(ResolveError),
    /// The host is not known. `h_errno` 1, `HOST_NOT_FOUND`.
    HostNotFound,
    /// A temporary failure of the name server. `h_errno` 2, `TRY_AGAIN`.
    TryAgain,
    /// A permanent failure, or a name the database cannot look up.
    /// `h_errno` 3, `NO_RECOVERY`.
    NoRecovery,
    /// The name has no address of the family. `h_errno` 4, `NO_DATA`.
    NoData,
    /// A system error; a policy denial is `access-denied`.
    System(Error),
    /// The empty name (the wildcard address) stands for more than one
    /// address, so there is no one address to look up; Python raises
    /// `OSError("wildcard resolved to multiple address")`.
    AmbiguousWildcard,
}

impl HostError {
    /// The `h_errno` of a host-database failure, e.g. 1 for
    /// [`HostNotFound`](HostError::HostNotFound).
    pub fn h_errno(&self) -> Option<i32> {
        match self {
            HostError::HostNotFound => Some(1),
            HostError::TryAgain => Some(2),
            HostError::NoRecovery => Some(3),
            HostError::NoData => Some(4),
            HostError::Resolve(_) | HostError::System(_) | HostError::AmbiguousWildcard => None,
        }
    }
}

impl From<WitHostError> for HostError {
    fn from(err: WitHostError) -> HostError {
        match err {
            WitHostError::HostNotFound => HostError::HostNotFound,
            WitHostError::TryAgain => HostError::TryAgain,
            WitHostError::NoRecovery => HostError::NoRecovery,
            WitHostError::NoData => HostError::NoData,
            WitHostError::System(err) => HostError::System(err.into()),
        }
    }
}

impl From<ResolveError> for HostError {
    fn from(err: ResolveError) -> HostError {
        HostError::Resolve(err)
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // glibc's `hstrerror` texts.
        let text = match self {
            HostError::Resolve(err) => return err.fmt(f),
            HostError::System(err) => return err.fmt(f),
            HostError::AmbiguousWildcard => {
                return f.write_str("wildcard resolved to multiple address");
            }
            HostError::HostNotFound => "Unknown host",
            HostError::TryAgain => "Host name lookup failure",
            HostError::NoRecovery => "Unknown server error",
            HostError::NoData => "No address associated with name",
        };
        write!(f, "[Errno {}] {text}", self.h_errno().unwrap_or(0))
    }
}

impl std::error::Error for HostError {}

impl From<HostError> for io::Error {
    fn from(err: HostError) -> io::Error {
        match err {
            HostError::Resolve(err) => err.into(),
            HostError::System(err) => err.into(),
            HostError::HostNotFound => io::Error::new(io::ErrorKind::NotFound, err),
            err => io::Error::other(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::bindings::wasock::sockets::types;

    #[test]
    fn displays_like_gaierror() {
        let err = ResolveError::from(WitResolveError::NoName);
        assert_eq!(err.code(), -2);
        assert_eq!(err.to_string(), "[Errno -2] Name or service not known");
    }

    /// Every `EAI_*` case has glibc's value and text, as CPython's
    /// `socket.EAI_*` constants and `gaierror` messages have on Linux.
    #[test]
    fn every_eai_code_matches_glibc() {
        let cases = [
            (WitResolveError::BadFlags, -1, "Bad value for ai_flags"),
            (WitResolveError::NoName, -2, "Name or service not known"),
            (
                WitResolveError::Again,
                -3,
                "Temporary failure in name resolution",
            ),
            (
                WitResolveError::Fail,
                -4,
                "Non-recoverable failure in name resolution",
            ),
            (
                WitResolveError::NoData,
                -5,
                "No address associated with hostname",
            ),
            (WitResolveError::Family, -6, "ai_family not supported"),
            (WitResolveError::SocketType, -7, "ai_socktype not supported"),
            (
                WitResolveError::Service,
                -8,
                "Servname not supported for ai_socktype",
            ),
            (
                WitResolveError::AddressFamily,
                -9,
                "Address family for hostname not supported",
            ),
            (WitResolveError::Memory, -10, "Memory allocation failure"),
        ];
        for (wit, code, text) in cases {
            let err = ResolveError::from(wit);
            assert_eq!((err.code(), err.strerror()), (code, text));
            assert_eq!(err.to_string(), format!("[Errno {code}] {text}"));
        }
    }

    #[test]
    fn system_error_shows_through() {
        let denied = types::Error {
            code: ErrorCode::AccessDenied,
            message: None,
        };
        let err = ResolveError::from(WitResolveError::System(denied));
        assert_eq!(err.code(), -11);
        assert_eq!(err.to_string(), "[Errno 13] Permission denied");
        let err = io::Error::from(err);
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(
            Error::from_io(&err).map(Error::code),
            Some(ErrorCode::AccessDenied)
        );
    }

    #[test]
    fn displays_like_herror() {
        let err = HostError::from(WitHostError::HostNotFound);
        assert_eq!(err.h_errno(), Some(1));
        assert_eq!(err.to_string(), "[Errno 1] Unknown host");
        assert_eq!(
            HostError::NoRecovery.to_string(),
            "[Errno 3] Unknown server error"
        );
        let gai = HostError::from(ResolveError::address_family());
        assert_eq!(
            gai.to_string(),
            "[Errno -9] Address family for hostname not supported"
        );
        let denied = HostError::from(WitHostError::System(types::Error {
            code: ErrorCode::AccessDenied,
            message: Some("no grant".into()),
        }));
        let err = io::Error::from(denied);
        assert_eq!(err.to_string(), "[Errno 13] Permission denied: no grant");
        assert_eq!(
            Error::from_io(&err).map(Error::code),
            Some(ErrorCode::AccessDenied)
        );
    }
}
