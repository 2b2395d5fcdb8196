//! The services and protocols databases (`/etc/services`,
//! `/etc/protocols`), as Python's `socket` module has them. They need no
//! grant.

use std::io;

use crate::bindings::wasock::sockets::resolver;
use crate::socket::Protocol;

/// The port of a service, for `protocol` (such as `"tcp"`) or for any
/// protocol, like Python's `socket.getservbyname`.
///
/// An unknown service fails with [`NotFound`](io::ErrorKind::NotFound),
/// displayed as Python's `service/proto not found`.
///
/// Calls `resolver.get-service-by-name`, like `getservbyname(3)`.
///
/// ```no_run
/// assert_eq!(wasock::lookup::getservbyname("http", Some("tcp")).unwrap(), 80);
/// ```
pub fn getservbyname(name: &str, protocol: Option<&str>) -> io::Result<u16> {
    resolver::get_service_by_name(name, protocol)
        .ok_or_else(|| not_found("service/proto not found"))
}

/// The name of the service on a port, for `protocol` or for any protocol,
/// like Python's `socket.getservbyport`.
///
/// A port without a service fails with
/// [`NotFound`](io::ErrorKind::NotFound), displayed as Python's
/// `port/proto not found`.
///
/// Calls `resolver.get-service-by-port`, like `getservbyport(3)`.
pub fn getservbyport(port: u16, protocol: Option<&str>) -> io::Result<String> {
    resolver::get_service_by_port(port, protocol).ok_or_else(|| not_found("port/proto not found"))
}

/// The number of a protocol, like Python's `socket.getprotobyname`.
///
/// An unknown protocol fails with [`NotFound`](io::ErrorKind::NotFound),
/// displayed as Python's `protocol not found`.
///
/// Calls `resolver.get-protocol-by-name`, like `getprotobyname(3)`.
///
/// ```no_run
/// use wasock::socket::Protocol;
///
/// assert_eq!(wasock::lookup::getprotobyname("tcp").unwrap(), Protocol::TCP);
/// ```
pub fn getprotobyname(name: &str) -> io::Result<Protocol> {
    resolver::get_protocol_by_name(name)
        .map(Protocol::from)
        .ok_or_else(|| not_found("protocol not found"))
}

/// The error Python raises for a missing entry: an `OSError` with only a
/// message.
fn not_found(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, message)
}
