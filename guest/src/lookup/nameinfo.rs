//! `getnameinfo(3)`: a socket address to a host and a service name.

use std::net::SocketAddr;

use super::ResolveError;
use crate::bindings::wasock::sockets::resolver;
use crate::bindings::wasock::sockets::types::SocketAddress;

/// Flags for [`getnameinfo`], the `flags` of `getnameinfo(3)`:
/// `NUMERIC_HOST`, `NUMERIC_SERVICE`, `NAME_REQUIRED`, `DATAGRAM` and
/// `NO_FQDN`.
pub use crate::bindings::wasock::sockets::resolver::NameInfoFlags;

/// Translates a socket address into a host and a service name, like
/// Python's `socket.getnameinfo`.
///
/// Without [`NameInfoFlags::NUMERIC_HOST`] this is a reverse lookup, which
/// the policy must grant; service names need no grant.
///
/// Calls `resolver.get-name-info`, like `getnameinfo(3)`.
///
/// ```no_run
/// use wasock::lookup::{NameInfoFlags, getnameinfo};
///
/// let address = "127.0.0.1:80".parse().unwrap();
/// let (host, service) = getnameinfo(&address, NameInfoFlags::NUMERIC_HOST).unwrap();
/// assert_eq!(host, "127.0.0.1");
/// println!("{service}"); // "http"
/// ```
pub fn getnameinfo(
    address: &SocketAddr,
    flags: NameInfoFlags,
) -> Result<(String, String), ResolveError> {
    Ok(resolver::get_name_info(
        &SocketAddress::from(*address),
        flags,
    )?)
}
