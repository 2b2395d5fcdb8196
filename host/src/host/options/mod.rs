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
use crate::core::{Family, HostSocket, SockType, SocketError};
use crate::policy::Policy;

type Result<T> = std::result::Result<T, SocketError>;

/// `setsockopt(2)` of a typed option. Joining a multicast group, setting
/// `SO_BROADCAST`, and the values [`check_grants`] lists need the policy's
/// grants.
pub fn set(policy: &Policy, socket: &mut HostSocket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    check_grants(policy, socket, &value)?;
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

/// Check the grants an option value needs, before it is set:
/// - `SO_BROADCAST` on: the broadcast grant;
/// - `SO_PASSCRED` on, where Linux would then give the socket a name of
///   its own (see [`passcred_may_autobind`]): the autobind grant, as an
///   explicit autobind;
/// - an interface named by address or index (the multicast interface, and
///   the interface of a membership), other than the kernel's choice and
///   loopback: the interfaces grant, since the kernel's answer tells
///   whether the host has that address or interface.
fn check_grants(policy: &Policy, socket: &HostSocket, value: &SocketOption) -> Result<()> {
    use SocketOption::*;
    match value {
        Broadcast(true) => policy.check_broadcast(),
        PassCredentials(true) if passcred_may_autobind(socket)? => policy.check_autobind(),
        Ipv4MulticastInterface(address) => ip::check_interface(policy, *address),
        Ipv4JoinGroup(membership) | Ipv4LeaveGroup(membership) => {
            ip::check_interface(policy, membership.interface_address)
        }
        Ipv4JoinSourceGroup(membership) | Ipv4LeaveSourceGroup(membership) => {
            ip::check_interface(policy, membership.interface_address)
        }
        Ipv6MulticastInterface(index) => ipv6::check_interface(policy, *index),
        Ipv6JoinGroup(membership) | Ipv6LeaveGroup(membership) => {
            ipv6::check_interface(policy, membership.interface_index)
        }
        _ => Ok(()),
    }
}

/// Whether `SO_PASSCRED` makes Linux autobind the socket (give it a random
/// abstract name) on its next send or connect: a Unix socket without a
/// name, unless it is a connected stream socket, which sends without
/// autobinding and, named or not, can neither listen nor be connected to.
/// A datagram socket is not spared when connected: should its peer go, a
/// send autobinds it and leaves it unconnected, reachable by that name.
fn passcred_may_autobind(socket: &HostSocket) -> Result<bool> {
    if socket.family() != Family::Unix {
        return Ok(false);
    }
    let os = socket.os_socket()?;
    if !os.local_addr()?.is_unnamed() {
        return Ok(false);
    }
    Ok(socket.sock_type() != SockType::Stream || os.peer_addr().is_err())
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
