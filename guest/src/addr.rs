//! Socket addresses and their WIT form.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::ErrorCode;
use crate::bindings::wasock::sockets::types::{
    Ipv4Address, Ipv4SocketAddress, Ipv6Address, Ipv6SocketAddress, SocketAddress,
};
use crate::error;
use crate::socket::Domain;
use crate::unix;

/// A socket address of any family: what [`Socket`](crate::socket::Socket)
/// binds, connects and sends to, and what it reports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SockAddr {
    /// An IPv4 or IPv6 address and port.
    Inet(SocketAddr),
    /// A Unix-domain address: a path, an abstract name, or unnamed.
    Unix(unix::SocketAddr),
}

impl SockAddr {
    /// The address family the address belongs to.
    pub fn domain(&self) -> Domain {
        match self {
            SockAddr::Inet(addr) => Domain::for_address(*addr),
            SockAddr::Unix(_) => Domain::UNIX,
        }
    }

    /// The IP address and port, if this is an IP address.
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            SockAddr::Inet(addr) => Some(*addr),
            SockAddr::Unix(_) => None,
        }
    }

    /// The Unix-domain address, if this is one.
    pub fn as_unix(&self) -> Option<&unix::SocketAddr> {
        match self {
            SockAddr::Inet(_) => None,
            SockAddr::Unix(addr) => Some(addr),
        }
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(addr: SocketAddr) -> SockAddr {
        SockAddr::Inet(addr)
    }
}

impl From<SocketAddrV4> for SockAddr {
    fn from(addr: SocketAddrV4) -> SockAddr {
        SockAddr::Inet(addr.into())
    }
}

impl From<SocketAddrV6> for SockAddr {
    fn from(addr: SocketAddrV6) -> SockAddr {
        SockAddr::Inet(addr.into())
    }
}

impl From<unix::SocketAddr> for SockAddr {
    fn from(addr: unix::SocketAddr) -> SockAddr {
        SockAddr::Unix(addr)
    }
}

impl TryFrom<SockAddr> for SocketAddr {
    type Error = io::Error;

    /// Fails with `address-family-not-supported` for a Unix address.
    fn try_from(addr: SockAddr) -> io::Result<SocketAddr> {
        match addr {
            SockAddr::Inet(addr) => Ok(addr),
            SockAddr::Unix(_) => Err(error::local(
                ErrorCode::AddressFamilyNotSupported,
                "not an IP socket address",
            )),
        }
    }
}

impl TryFrom<SockAddr> for unix::SocketAddr {
    type Error = io::Error;

    /// Fails with `address-family-not-supported` for an IP address.
    fn try_from(addr: SockAddr) -> io::Result<unix::SocketAddr> {
        match addr {
            SockAddr::Unix(addr) => Ok(addr),
            SockAddr::Inet(_) => Err(error::local(
                ErrorCode::AddressFamilyNotSupported,
                "not a Unix socket address",
            )),
        }
    }
}

impl From<&SockAddr> for SocketAddress {
    fn from(addr: &SockAddr) -> SocketAddress {
        match addr {
            SockAddr::Inet(addr) => SocketAddress::from(*addr),
            SockAddr::Unix(addr) => SocketAddress::from(addr),
        }
    }
}

impl From<SocketAddress> for SockAddr {
    fn from(addr: SocketAddress) -> SockAddr {
        match addr {
            SocketAddress::Inet(addr) => {
                SockAddr::Inet(SocketAddrV4::new(ipv4_from_wit(addr.address), addr.port).into())
            }
            SocketAddress::Inet6(addr) => {
                let ip = ipv6_from_wit(addr.address);
                let addr = SocketAddrV6::new(ip, addr.port, addr.flow_info, addr.scope_id);
                SockAddr::Inet(addr.into())
            }
            SocketAddress::UnixPath(path) => SockAddr::Unix(unix::SocketAddr::pathname(path)),
            SocketAddress::UnixAbstract(name) => {
                SockAddr::Unix(unix::SocketAddr::abstract_name(name))
            }
            SocketAddress::Unnamed => SockAddr::Unix(unix::SocketAddr::unnamed()),
        }
    }
}

impl From<SocketAddr> for SocketAddress {
    fn from(addr: SocketAddr) -> SocketAddress {
        match addr {
            SocketAddr::V4(addr) => SocketAddress::Inet(Ipv4SocketAddress {
                port: addr.port(),
                address: ipv4_to_wit(addr.ip()),
            }),
            SocketAddr::V6(addr) => SocketAddress::Inet6(Ipv6SocketAddress {
                port: addr.port(),
                flow_info: addr.flowinfo(),
                address: ipv6_to_wit(addr.ip()),
                scope_id: addr.scope_id(),
            }),
        }
    }
}

/// The WIT form of an IPv4 address.
pub(crate) fn ipv4_to_wit(ip: &Ipv4Addr) -> Ipv4Address {
    let [a, b, c, d] = ip.octets();
    (a, b, c, d)
}

/// An IPv4 address from its WIT form.
pub(crate) fn ipv4_from_wit((a, b, c, d): Ipv4Address) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

/// The WIT form of an IPv6 address.
pub(crate) fn ipv6_to_wit(ip: &Ipv6Addr) -> Ipv6Address {
    let [a, b, c, d, e, f, g, h] = ip.segments();
    (a, b, c, d, e, f, g, h)
}

/// An IPv6 address from its WIT form.
pub(crate) fn ipv6_from_wit((a, b, c, d, e, f, g, h): Ipv6Address) -> Ipv6Addr {
    Ipv6Addr::new(a, b, c, d, e, f, g, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_keeps_flow_info_and_scope() {
        let addr = SocketAddrV6::new("fe80::1".parse().unwrap(), 8080, 7, 3).into();
        let wit = SocketAddress::from(addr);
        assert_eq!(SockAddr::from(wit), SockAddr::Inet(addr));
    }

    #[test]
    fn unix_addresses_round_trip() {
        let path = unix::SocketAddr::from_pathname("./uds_socket").unwrap();
        let wit = SocketAddress::from(&SockAddr::Unix(path.clone()));
        assert_eq!(SockAddr::from(wit), SockAddr::Unix(path));
        assert!(SocketAddr::try_from(SockAddr::from(SocketAddress::Unnamed)).is_err());
    }
}
