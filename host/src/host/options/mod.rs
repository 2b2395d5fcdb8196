//! Typed socket options: each WIT case maps to one `setsockopt(2)` /
//! `getsockopt(2)` pair, with the value checked before the call. One module
//! per level; this one sorts the cases by level.
//!
//! An option of another family's level goes to the kernel all the same, so
//! the guest gets Linux's answer: an IPv6 option on an IPv4 socket fails
//! with `EOPNOTSUPP` (reading) or `ENOPROTOOPT` (setting), an IP option on a
//! Unix socket with `EOPNOTSUPP`, and an IPv4 option on an IPv6 socket
//! applies to its IPv4-mapped traffic.

mod ip;
mod ipv6;
mod socket;
mod tcp;
mod udplite;

use crate::bindings::socket::{OptionName, SocketOption};
use crate::core::{HostSocket, SocketError};
use crate::policy::Policy;

type Result<T> = std::result::Result<T, SocketError>;

/// `setsockopt(2)` of a typed option. Joining a multicast group and setting
/// `SO_BROADCAST` need the policy's grants.
pub fn set(policy: &Policy, socket: &mut HostSocket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    if let Broadcast(true) = value {
        policy.check_broadcast()?;
    }
    match value {
        PendingError(_)
        | SocketType(_)
        | Domain(_)
        | Protocol(_)
        | AcceptingConnections(_)
        | PeerCredentials(_)
        | TcpInfo(_)
        | Ipv4Mtu(_)
        | PeerSecurity(_)
        | Ipv6PathMtu(_) => Err(SocketError::with_message(
            libc::ENOPROTOOPT,
            "the option is read-only",
        )),
        ReuseAddress(_)
        | ReusePort(_)
        | KeepAlive(_)
        | Linger(_)
        | ReceiveBufferSize(_)
        | SendBufferSize(_)
        | Broadcast(_)
        | OutOfBandInline(_)
        | ReceiveLowWatermark(_)
        | SendLowWatermark(_)
        | ReceiveTimeout(_)
        | SendTimeout(_)
        | DontRoute(_)
        | Priority(_)
        | PassCredentials(_)
        | Timestamp(_)
        | Debug(_)
        | IncomingCpu(_)
        | PassSecurity(_) => socket::set(socket, value),
        NoDelay(_)
        | KeepAliveIdle(_)
        | KeepAliveInterval(_)
        | KeepAliveCount(_)
        | UserTimeout(_)
        | Cork(_)
        | QuickAck(_)
        | FastOpen(_)
        | MaxSegment(_)
        | NotSentLowWatermark(_)
        | CongestionControl(_)
        | DeferAccept(_)
        | FinWait2Timeout(_)
        | SynCount(_)
        | WindowClamp(_) => tcp::set(socket.os_socket()?, value),
        Ttl(_)
        | TypeOfService(_)
        | ReceiveTypeOfService(_)
        | Ipv4ReceivePacketInfo(_)
        | Ipv4ReceiveErrors(_)
        | Ipv4MtuDiscovery(_)
        | Ipv4MulticastTtl(_)
        | Ipv4MulticastLoop(_)
        | Ipv4MulticastInterface(_)
        | Ipv4JoinGroup(_)
        | Ipv4LeaveGroup(_)
        | Ipv4JoinSourceGroup(_)
        | Ipv4LeaveSourceGroup(_)
        | BindAddressNoPort(_)
        | Ipv4HeaderIncluded(_)
        | Ipv4Options(_)
        | Ipv4ReceiveOptions(_)
        | Ipv4ReceiveReturnOptions(_) => ip::set(policy, socket.os_socket()?, value),
        Ipv6Only(_)
        | UnicastHops(_)
        | Ipv6MulticastHops(_)
        | Ipv6MulticastLoop(_)
        | Ipv6MulticastInterface(_)
        | Ipv6JoinGroup(_)
        | Ipv6LeaveGroup(_)
        | TrafficClass(_)
        | Ipv6ReceivePacketInfo(_)
        | ReceiveTrafficClass(_)
        | Ipv6Checksum(_)
        | Ipv6DontFragment(_)
        | Ipv6ReceiveHopLimit(_)
        | Ipv6ReceivePathMtu(_)
        | Ipv6ReceiveDestinationOptions(_)
        | Ipv6ReceiveHopByHopOptions(_)
        | Ipv6ReceiveRoutingHeader(_)
        | Ipv6HopByHopOptions(_)
        | Ipv6DestinationOptions(_)
        | Ipv6RoutingHeader(_)
        | Ipv6RoutingHeaderDestinationOptions(_) => ipv6::set(policy, socket.os_socket()?, value),
        UdpliteSendCoverage(_) | UdpliteReceiveCoverage(_) => {
            udplite::set(socket.os_socket()?, value)
        }
    }
}

/// `getsockopt(2)` of a typed option.
pub fn get(socket: &HostSocket, name: OptionName) -> Result<SocketOption> {
    use OptionName::*;
    match name {
        Ipv4JoinGroup | Ipv4LeaveGroup | Ipv4JoinSourceGroup | Ipv4LeaveSourceGroup
        | Ipv6JoinGroup | Ipv6LeaveGroup => Err(SocketError::with_message(
            libc::ENOPROTOOPT,
            "the option is set-only",
        )),
        ReuseAddress | ReusePort | KeepAlive | Linger | ReceiveBufferSize | SendBufferSize
        | Broadcast | OutOfBandInline | PendingError | SocketType | Domain | Protocol
        | AcceptingConnections | ReceiveLowWatermark | SendLowWatermark | ReceiveTimeout
        | SendTimeout | DontRoute | Priority | PassCredentials | PeerCredentials | Timestamp
        | Debug | IncomingCpu | PassSecurity | PeerSecurity => socket::get(socket, name),
        NoDelay | KeepAliveIdle | KeepAliveInterval | KeepAliveCount | UserTimeout | Cork
        | QuickAck | FastOpen | MaxSegment | NotSentLowWatermark | CongestionControl | TcpInfo
        | DeferAccept | FinWait2Timeout | SynCount | WindowClamp => {
            tcp::get(socket.os_socket()?, name)
        }
        Ttl
        | TypeOfService
        | ReceiveTypeOfService
        | Ipv4ReceivePacketInfo
        | Ipv4ReceiveErrors
        | Ipv4MtuDiscovery
        | Ipv4Mtu
        | Ipv4MulticastTtl
        | Ipv4MulticastLoop
        | Ipv4MulticastInterface
        | BindAddressNoPort
        | Ipv4HeaderIncluded
        | Ipv4Options
        | Ipv4ReceiveOptions
        | Ipv4ReceiveReturnOptions => ip::get(socket.os_socket()?, name),
        Ipv6Only
        | UnicastHops
        | Ipv6MulticastHops
        | Ipv6MulticastLoop
        | Ipv6MulticastInterface
        | TrafficClass
        | Ipv6ReceivePacketInfo
        | ReceiveTrafficClass
        | Ipv6Checksum
        | Ipv6DontFragment
        | Ipv6ReceiveHopLimit
        | Ipv6ReceivePathMtu
        | Ipv6ReceiveDestinationOptions
        | Ipv6ReceiveHopByHopOptions
        | Ipv6ReceiveRoutingHeader
        | Ipv6PathMtu
        | Ipv6HopByHopOptions
        | Ipv6DestinationOptions
        | Ipv6RoutingHeader
        | Ipv6RoutingHeaderDestinationOptions => ipv6::get(socket.os_socket()?, name),
        UdpliteSendCoverage | UdpliteReceiveCoverage => udplite::get(socket.os_socket()?, name),
    }
}

/// A level module was handed an option of another level: a host bug, so
/// the guest is trapped.
fn misrouted(option: impl std::fmt::Debug) -> SocketError {
    SocketError::Trap(wasmtime::Error::msg(format!(
        "option {option:?} sorted to the wrong level"
    )))
}

fn invalid(what: &str) -> SocketError {
    SocketError::with_message(libc::EINVAL, what.to_string())
}

/// A value that needs a privilege (or a route around the policy) that
/// guests do not have.
fn not_permitted(why: impl Into<String>) -> SocketError {
    SocketError::with_message(libc::EPERM, why)
}

/// A boolean option as the kernel's `int`.
fn int_of(value: bool) -> i32 {
    i32::from(value)
}

/// Counts and sizes the kernel takes as a non-negative `int`.
fn non_negative(value: u32) -> Result<i32> {
    i32::try_from(value).map_err(|_| invalid("value must be at most 2147483647"))
}

/// A non-negative `int` the kernel reported, as the WIT's `u32`.
fn uint(value: i32) -> u32 {
    value.max(0) as u32
}

/// An `int` whose negative values (-1) mean "none": `SO_INCOMING_CPU`,
/// `TCP_LINGER2`.
fn or_none(value: Option<u32>) -> Result<i32> {
    value.map_or(Ok(-1), non_negative)
}

/// The reading of an `int` whose negative values mean "none".
fn optional(value: i32) -> Option<u32> {
    u32::try_from(value).ok()
}

/// A byte-sized value: TTLs, hop limits, TOS and traffic class.
fn byte(value: u32, what: &str) -> Result<i32> {
    (0..=255)
        .contains(&value)
        .then_some(value as i32)
        .ok_or_else(|| invalid(&format!("{what} must be 0 to 255")))
}

/// Unicast hop limits (`IP_TTL`, `IPV6_UNICAST_HOPS`) are 1 to 255.
fn hops(value: u32) -> Result<i32> {
    (1..=255)
        .contains(&value)
        .then_some(value as i32)
        .ok_or_else(|| invalid("hop limit must be 1 to 255"))
}
