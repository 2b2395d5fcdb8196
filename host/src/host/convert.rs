//! Conversions between the generated WIT types and the core's types.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::Duration;

use crate::bindings::types::{
    AddressFamily, Ipv4SocketAddress, Ipv6SocketAddress, MessageFlags, PollEvents, ShutdownHow,
    SocketAddress, SocketType,
};
use crate::core::socket::Shutdown;
use crate::core::{Family, SockAddress, SockType};

impl From<AddressFamily> for Family {
    fn from(family: AddressFamily) -> Family {
        match family {
            AddressFamily::Unix => Family::Unix,
            AddressFamily::Inet => Family::Inet,
            AddressFamily::Inet6 => Family::Inet6,
        }
    }
}

impl From<Family> for AddressFamily {
    fn from(family: Family) -> AddressFamily {
        match family {
            Family::Unix => AddressFamily::Unix,
            Family::Inet => AddressFamily::Inet,
            Family::Inet6 => AddressFamily::Inet6,
        }
    }
}

impl From<SocketType> for SockType {
    fn from(ty: SocketType) -> SockType {
        match ty {
            SocketType::Stream => SockType::Stream,
            SocketType::Dgram => SockType::Dgram,
            SocketType::Seqpacket => SockType::SeqPacket,
            SocketType::Raw => SockType::Raw,
        }
    }
}

impl From<SockType> for SocketType {
    fn from(ty: SockType) -> SocketType {
        match ty {
            SockType::Stream => SocketType::Stream,
            SockType::Dgram => SocketType::Dgram,
            SockType::SeqPacket => SocketType::Seqpacket,
            SockType::Raw => SocketType::Raw,
        }
    }
}

impl From<SocketAddress> for SockAddress {
    fn from(address: SocketAddress) -> SockAddress {
        match address {
            SocketAddress::Inet(v4) => {
                let (a, b, c, d) = v4.address;
                SockAddress::Ip(SocketAddrV4::new(Ipv4Addr::new(a, b, c, d), v4.port).into())
            }
            SocketAddress::Inet6(v6) => {
                let (a, b, c, d, e, f, g, h) = v6.address;
                let ip = Ipv6Addr::new(a, b, c, d, e, f, g, h);
                SockAddress::Ip(SocketAddrV6::new(ip, v6.port, v6.flow_info, v6.scope_id).into())
            }
            SocketAddress::UnixPath(path) => SockAddress::UnixPath(path),
            SocketAddress::UnixAbstract(name) => SockAddress::UnixAbstract(name),
            SocketAddress::Unnamed => SockAddress::Unnamed,
        }
    }
}

impl From<SockAddress> for SocketAddress {
    fn from(address: SockAddress) -> SocketAddress {
        match address {
            SockAddress::Ip(ip) => ip.into(),
            SockAddress::UnixPath(path) => SocketAddress::UnixPath(path),
            SockAddress::UnixAbstract(name) => SocketAddress::UnixAbstract(name),
            SockAddress::Unnamed => SocketAddress::Unnamed,
        }
    }
}

impl From<SocketAddr> for SocketAddress {
    fn from(address: SocketAddr) -> SocketAddress {
        match address {
            SocketAddr::V4(v4) => {
                let [a, b, c, d] = v4.ip().octets();
                SocketAddress::Inet(Ipv4SocketAddress {
                    port: v4.port(),
                    address: (a, b, c, d),
                })
            }
            SocketAddr::V6(v6) => {
                let [a, b, c, d, e, f, g, h] = v6.ip().segments();
                SocketAddress::Inet6(Ipv6SocketAddress {
                    port: v6.port(),
                    flow_info: v6.flowinfo(),
                    address: (a, b, c, d, e, f, g, h),
                    scope_id: v6.scope_id(),
                })
            }
        }
    }
}

impl From<ShutdownHow> for Shutdown {
    fn from(how: ShutdownHow) -> Shutdown {
        match how {
            ShutdownHow::Read => Shutdown::Read,
            ShutdownHow::Write => Shutdown::Write,
            ShutdownHow::Both => Shutdown::Both,
        }
    }
}

/// `MSG_*` bits for message flags.
pub fn msg_flags(flags: MessageFlags) -> libc::c_int {
    [
        (MessageFlags::OUT_OF_BAND, libc::MSG_OOB),
        (MessageFlags::PEEK, libc::MSG_PEEK),
        (MessageFlags::DONT_ROUTE, libc::MSG_DONTROUTE),
        (MessageFlags::TRUNCATE, libc::MSG_TRUNC),
        (MessageFlags::CONTROL_TRUNCATE, libc::MSG_CTRUNC),
        (MessageFlags::DONT_WAIT, libc::MSG_DONTWAIT),
        (MessageFlags::END_OF_RECORD, libc::MSG_EOR),
        (MessageFlags::WAIT_ALL, libc::MSG_WAITALL),
        (MessageFlags::MORE, libc::MSG_MORE),
        (MessageFlags::CONFIRM, libc::MSG_CONFIRM),
        (MessageFlags::ERROR_QUEUE, libc::MSG_ERRQUEUE),
        (MessageFlags::FAST_OPEN, libc::MSG_FASTOPEN),
    ]
    .into_iter()
    .filter(|(flag, _)| flags.contains(*flag))
    .fold(0, |bits, (_, bit)| bits | bit)
}

const POLL_BITS: [(PollEvents, i16); 7] = [
    (PollEvents::READABLE, libc::POLLIN),
    (PollEvents::PRIORITY, libc::POLLPRI),
    (PollEvents::WRITABLE, libc::POLLOUT),
    (PollEvents::READ_HANGUP, libc::POLLRDHUP),
    (PollEvents::ERROR, libc::POLLERR),
    (PollEvents::HANGUP, libc::POLLHUP),
    (PollEvents::INVALID, libc::POLLNVAL),
];

/// `POLL*` bits for poll events.
pub fn poll_bits(events: PollEvents) -> i16 {
    POLL_BITS
        .iter()
        .filter(|(event, _)| events.contains(*event))
        .fold(0, |bits, (_, bit)| bits | bit)
}

/// Poll events for `POLL*` bits.
pub fn poll_events(bits: i16) -> PollEvents {
    POLL_BITS
        .iter()
        .filter(|(_, bit)| bits & bit != 0)
        .fold(PollEvents::empty(), |events, (event, _)| events | *event)
}

/// A WIT duration (nanoseconds).
pub fn duration(nanos: u64) -> Duration {
    Duration::from_nanos(nanos)
}

/// A duration as WIT nanoseconds, saturating.
pub fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}
