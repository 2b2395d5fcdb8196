//! Turning names and addresses into socket addresses.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::{iter, option, slice, vec};

use crate::{ErrorCode, error, lookup};

/// Values that can be turned into socket addresses: std's `ToSocketAddrs`,
/// for this crate.
///
/// std's trait resolves names through `wasi:sockets`, which a wasock host
/// does not grant; this one asks the `wasock:sockets` resolver. It is
/// implemented for the same types as std's. Numeric hosts (`"127.0.0.1"`,
/// `"::1"`, `"[::1]:80"`) are parsed in the guest without a host call. Other
/// names go to `resolver.get-address-info` for stream sockets, like
/// `getaddrinfo(3)`; repeated addresses are dropped and the host's order is
/// kept.
///
/// ```no_run
/// use wasock::net::ToSocketAddrs;
///
/// fn main() -> std::io::Result<()> {
///     for addr in ("localhost", 80).to_socket_addrs()? {
///         println!("{addr}");
///     }
///     Ok(())
/// }
/// ```
pub trait ToSocketAddrs {
    /// The iterator over the addresses.
    type Iter: Iterator<Item = SocketAddr>;

    /// The addresses this value stands for, resolving names as needed.
    fn to_socket_addrs(&self) -> io::Result<Self::Iter>;
}

impl ToSocketAddrs for SocketAddr {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        Ok(Some(*self).into_iter())
    }
}

impl ToSocketAddrs for SocketAddrV4 {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::V4(*self).to_socket_addrs()
    }
}

impl ToSocketAddrs for SocketAddrV6 {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::V6(*self).to_socket_addrs()
    }
}

impl ToSocketAddrs for (IpAddr, u16) {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::new(self.0, self.1).to_socket_addrs()
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddrV4::new(self.0, self.1).to_socket_addrs()
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {
    type Iter = option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddrV6::new(self.0, self.1, 0, 0).to_socket_addrs()
    }
}

/// A host name or numeric address, and a port.
impl ToSocketAddrs for (&str, u16) {
    type Iter = vec::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        let (host, port) = *self;
        let addrs = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => lookup::resolve(host, port)?,
        };
        Ok(addrs.into_iter())
    }
}

impl ToSocketAddrs for (String, u16) {
    type Iter = vec::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        (self.0.as_str(), self.1).to_socket_addrs()
    }
}

/// `"host:port"`, where the host is a name, an IPv4 address or a bracketed
/// IPv6 address (`"[::1]:80"`).
impl ToSocketAddrs for str {
    type Iter = vec::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(vec![addr].into_iter());
        }
        let Some((host, port)) = self.rsplit_once(':') else {
            return Err(error::local(
                ErrorCode::InvalidArgument,
                "invalid socket address",
            ));
        };
        let Ok(port) = port.parse::<u16>() else {
            return Err(error::local(
                ErrorCode::InvalidArgument,
                "invalid port value",
            ));
        };
        (host, port).to_socket_addrs()
    }
}

impl ToSocketAddrs for String {
    type Iter = vec::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        self.as_str().to_socket_addrs()
    }
}

impl<'a> ToSocketAddrs for &'a [SocketAddr] {
    type Iter = iter::Cloned<slice::Iter<'a, SocketAddr>>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        Ok(self.iter().cloned())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    type Iter = T::Iter;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        (**self).to_socket_addrs()
    }
}

/// Calls `f` with each address in turn until one succeeds.
///
/// When every address fails, the error for the first (the preferred)
/// address is returned. std and Python's `socket.create_connection` return
/// the last one instead; under a policy that grants only some of a name's
/// addresses, that would report the denial of a fallback address rather
/// than what went wrong with the address that was granted.
pub(crate) fn each_addr<A: ToSocketAddrs, T>(
    addrs: A,
    mut f: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut first_error = None;
    for addr in addrs.to_socket_addrs()? {
        match f(addr) {
            Ok(value) => return Ok(value),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        error::local(
            ErrorCode::InvalidArgument,
            "could not resolve to any addresses",
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs<A: ToSocketAddrs>(addr: A) -> Vec<SocketAddr> {
        addr.to_socket_addrs().unwrap().collect()
    }

    #[test]
    fn numeric_hosts_parse_locally() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(addrs("127.0.0.1:80"), [v4]);
        assert_eq!(addrs("[::1]:80"), [v6]);
        assert_eq!(addrs(("::1", 80)), [v6]);
        assert_eq!(addrs((String::from("127.0.0.1"), 80)), [v4]);
        assert_eq!(addrs(&[v4, v6][..]), [v4, v6]);
    }

    #[test]
    fn malformed_strings_are_invalid_input() {
        for bad in ["localhost", "localhost:http", "127.0.0.1:65536"] {
            let err = bad.to_socket_addrs().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
