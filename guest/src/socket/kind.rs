//! Address families, socket types and protocol numbers.

use std::net::SocketAddr;

use crate::bindings::wasock::sockets::types::{AddressFamily, SocketType};

/// An address family, the first argument of `socket(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Domain(AddressFamily);

impl Domain {
    /// IPv4. Like `AF_INET`.
    pub const IPV4: Domain = Domain(AddressFamily::Inet);
    /// IPv6. Like `AF_INET6`.
    pub const IPV6: Domain = Domain(AddressFamily::Inet6);
    /// Unix-domain sockets. Like `AF_UNIX`.
    pub const UNIX: Domain = Domain(AddressFamily::Unix);

    /// The domain an IP address belongs to.
    pub fn for_address(addr: SocketAddr) -> Domain {
        match addr {
            SocketAddr::V4(_) => Domain::IPV4,
            SocketAddr::V6(_) => Domain::IPV6,
        }
    }
}

impl From<AddressFamily> for Domain {
    fn from(family: AddressFamily) -> Domain {
        Domain(family)
    }
}

impl From<Domain> for AddressFamily {
    fn from(domain: Domain) -> AddressFamily {
        domain.0
    }
}

/// A socket type, the second argument of `socket(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Type(SocketType);

impl Type {
    /// Reliable byte streams, e.g. TCP. Like `SOCK_STREAM`.
    pub const STREAM: Type = Type(SocketType::Stream);
    /// Datagrams, e.g. UDP. Like `SOCK_DGRAM`.
    pub const DGRAM: Type = Type(SocketType::Dgram);
    /// Reliable, connection-based messages. Like `SOCK_SEQPACKET`.
    pub const SEQPACKET: Type = Type(SocketType::Seqpacket);
    /// Raw network protocol access. Like `SOCK_RAW`.
    pub const RAW: Type = Type(SocketType::Raw);
}

impl From<SocketType> for Type {
    fn from(ty: SocketType) -> Type {
        Type(ty)
    }
}

impl From<Type> for SocketType {
    fn from(ty: Type) -> SocketType {
        ty.0
    }
}

/// A protocol number as in `/etc/protocols`, the third argument of
/// `socket(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Protocol(i32);

impl Protocol {
    /// ICMP for IPv4. Like `IPPROTO_ICMP`.
    pub const ICMPV4: Protocol = Protocol(1);
    /// TCP. Like `IPPROTO_TCP`.
    pub const TCP: Protocol = Protocol(6);
    /// UDP. Like `IPPROTO_UDP`.
    pub const UDP: Protocol = Protocol(17);
    /// ICMP for IPv6. Like `IPPROTO_ICMPV6`.
    pub const ICMPV6: Protocol = Protocol(58);
    /// UDP-Lite, UDP with partial checksums (RFC 3828), for datagram
    /// sockets. Like `IPPROTO_UDPLITE`.
    pub const UDPLITE: Protocol = Protocol(136);
}

impl From<i32> for Protocol {
    fn from(number: i32) -> Protocol {
        Protocol(number)
    }
}

impl From<Protocol> for i32 {
    fn from(protocol: Protocol) -> i32 {
        protocol.0
    }
}
