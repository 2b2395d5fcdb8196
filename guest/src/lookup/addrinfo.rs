//! `getaddrinfo(3)`: host and service names to socket addresses, and
//! `lookup_host`, tokio's shape of it.

use std::io;
use std::net::SocketAddr;

use super::ResolveError;
use crate::bindings::wasock::sockets::resolver;
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
