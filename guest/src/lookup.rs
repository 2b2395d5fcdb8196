//! Name lookups through the host's resolver.
//!
//! Without a DNS grant the host still resolves numeric hosts, service names
//! and `localhost`; other names fail with a [`ResolveError`] whose
//! [`system_error`](ResolveError::system_error) is `access-denied`.

use std::fmt;
use std::io;
use std::net::SocketAddr;

use crate::Error;
use crate::bindings::wasock::sockets::resolver::{self, ResolveError as WitResolveError};
use crate::bindings::wasock::sockets::types::SocketType;
use crate::net::ToSocketAddrs;
use crate::socket::{Domain, Protocol, SockAddr, Type};

/// Flags for [`getaddrinfo`], the `ai_flags` of `getaddrinfo(3)`:
/// `PASSIVE`, `CANONICAL_NAME`, `NUMERIC_HOST`, `NUMERIC_SERVICE`,
/// `V4_MAPPED`, `ALL` and `ADDRESS_CONFIG`.
pub use crate::bindings::wasock::sockets::resolver::AddressInfoFlags as AddrInfoFlags;

/// Resolves `host` to socket addresses, in tokio's shape: `host` is anything
/// [`ToSocketAddrs`] takes, such as `"localhost:80"` or `("localhost", 80)`.
///
/// Calls `resolver.get-address-info` for names, like `getaddrinfo(3)`;
/// numeric addresses are parsed without a host call.
///
/// ```no_run
/// fn main() -> std::io::Result<()> {
///     for addr in wasock::lookup::lookup_host("localhost:3000")? {
///         println!("socket address is {addr}");
///     }
///     Ok(())
/// }
/// ```
pub fn lookup_host<T: ToSocketAddrs>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>> {
    host.to_socket_addrs()
}

/// The `hints` of `getaddrinfo(3)`: which results to return.
///
/// The default asks for every family, type and protocol, with no flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrInfoHints {
    /// Only this address family (`ai_family`).
    pub family: Option<Domain>,
    /// Only this socket type (`ai_socktype`).
    pub socket_type: Option<Type>,
    /// Only this protocol (`ai_protocol`).
    pub protocol: Option<Protocol>,
    /// Flags (`ai_flags`).
    pub flags: AddrInfoFlags,
}

impl Default for AddrInfoHints {
    fn default() -> AddrInfoHints {
        AddrInfoHints {
            family: None,
            socket_type: None,
            protocol: None,
            flags: AddrInfoFlags::empty(),
        }
    }
}

/// One result of [`getaddrinfo`], a `struct addrinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrInfo {
    /// The address family of `address`.
    pub family: Domain,
    /// The socket type to use with `address`.
    pub socket_type: Type,
    /// The protocol to use with `address`.
    pub protocol: Protocol,
    /// The canonical name of the host, in the first result when
    /// [`AddrInfoFlags::CANONICAL_NAME`] was asked for.
    pub canonical_name: Option<String>,
    /// The socket address.
    pub address: SockAddr,
}

/// Translates a host and a service into socket addresses, like Python's
/// `socket.getaddrinfo`. `host` and `service` may not both be `None`.
///
/// Calls `resolver.get-address-info`, like `getaddrinfo(3)`.
///
/// ```no_run
/// use wasock::lookup::{AddrInfoHints, getaddrinfo};
///
/// match getaddrinfo(Some("localhost"), Some("http"), &AddrInfoHints::default()) {
///     Ok(results) => {
///         for info in results {
///             println!("{:?} {:?}", info.socket_type, info.address);
///         }
///     }
///     Err(err) => println!("{err}"), // e.g. "[Errno -2] Name or service not known"
/// }
/// ```
pub fn getaddrinfo(
    host: Option<&str>,
    service: Option<&str>,
    hints: &AddrInfoHints,
) -> Result<Vec<AddrInfo>, ResolveError> {
    let results = resolver::get_address_info(
        host,
        service,
        hints.family.map(Into::into),
        hints.socket_type.map(Into::into),
        hints.protocol.map_or(0, i32::from),
        hints.flags,
    )?;
    Ok(results
        .into_iter()
        .map(|info| AddrInfo {
            family: info.family.into(),
            socket_type: info.type_.into(),
            protocol: info.protocol.into(),
            canonical_name: info.canonical_name,
            address: info.address.into(),
        })
        .collect())
}

/// Resolves a host name for [`ToSocketAddrs`]: the addresses for stream
/// sockets, with `port`, without repeats, in the host's order.
pub(crate) fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    let results = resolver::get_address_info(
        Some(host),
        None,
        None,
        Some(SocketType::Stream),
        0,
        AddrInfoFlags::empty(),
    )
    .map_err(ResolveError::from)?;
    let mut addrs = Vec::with_capacity(results.len());
    for info in results {
        if let SockAddr::Inet(mut addr) = SockAddr::from(info.address) {
            addr.set_port(port);
            if !addrs.contains(&addr) {
                addrs.push(addr);
            }
        }
    }
    Ok(addrs)
}

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

impl ResolveError {
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
            -9 => "Address family for hostname not supported",
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
            WitResolveError::AddressFamily => -9,
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
}
