//! `IPPROTO_IPV6` options, multicast membership and extension headers
//! included.

use std::net::Ipv6Addr;

use libc::IPPROTO_IPV6;
use socket2::Socket;

use super::{Result, byte, hops, int_of, misrouted, not_permitted, uint};
use crate::bindings::socket::{Ipv6Membership, OptionName, SocketOption};
use crate::core::sockopt::{self, Ip6MtuInfo, get_int, get_vec, set_bytes, set_int};
use crate::policy::Policy;

/// The longest extension header: its length byte counts 8-byte units
/// beyond the first.
const MAX_EXTENSION_HEADER: usize = 8 * 256;

pub(super) fn set(policy: &Policy, os: &Socket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    let set = |name, value| set_int(os, IPPROTO_IPV6, name, value);
    match value {
        Ipv6Only(v) => set(libc::IPV6_V6ONLY, int_of(v))?,
        UnicastHops(v) => set(libc::IPV6_UNICAST_HOPS, hops(v)?)?,
        Ipv6MulticastHops(v) => set(libc::IPV6_MULTICAST_HOPS, byte(v, "multicast hop limit")?)?,
        Ipv6MulticastLoop(v) => set(libc::IPV6_MULTICAST_LOOP, int_of(v))?,
        // The kernel takes the index as an `int` and rejects unknown ones.
        Ipv6MulticastInterface(index) => set(libc::IPV6_MULTICAST_IF, index as i32)?,
        Ipv6JoinGroup(membership) => {
            policy.check_multicast(group(&membership).into())?;
            sockopt::set(
                os,
                IPPROTO_IPV6,
                libc::IPV6_ADD_MEMBERSHIP,
                &mreq(&membership),
            )?
        }
        Ipv6LeaveGroup(membership) => sockopt::set(
            os,
            IPPROTO_IPV6,
            libc::IPV6_DROP_MEMBERSHIP,
            &mreq(&membership),
        )?,
        TrafficClass(v) => set(libc::IPV6_TCLASS, byte(v, "traffic class")?)?,
        Ipv6ReceivePacketInfo(v) => set(libc::IPV6_RECVPKTINFO, int_of(v))?,
        ReceiveTrafficClass(v) => set(libc::IPV6_RECVTCLASS, int_of(v))?,
        Ipv6Checksum(offset) => set(libc::IPV6_CHECKSUM, offset)?,
        Ipv6DontFragment(v) => set(libc::IPV6_DONTFRAG, int_of(v))?,
        Ipv6ReceiveHopLimit(v) => set(libc::IPV6_RECVHOPLIMIT, int_of(v))?,
        Ipv6ReceivePathMtu(v) => set(libc::IPV6_RECVPATHMTU, int_of(v))?,
        Ipv6ReceiveDestinationOptions(v) => set(libc::IPV6_RECVDSTOPTS, int_of(v))?,
        Ipv6ReceiveHopByHopOptions(v) => set(libc::IPV6_RECVHOPOPTS, int_of(v))?,
        Ipv6ReceiveRoutingHeader(v) => set(libc::IPV6_RECVRTHDR, int_of(v))?,
        // Linux asks for CAP_NET_RAW before it looks at the value.
        Ipv6HopByHopOptions(_)
        | Ipv6DestinationOptions(_)
        | Ipv6RoutingHeaderDestinationOptions(_) => {
            return Err(not_permitted(
                "IPv6 options headers need CAP_NET_RAW, which guests do not have",
            ));
        }
        Ipv6RoutingHeader(header) => {
            if !header.is_empty() {
                return Err(not_permitted(
                    "IPv6 routing headers are not available to guests: the policy cannot check their first hop",
                ));
            }
            set_bytes(os, IPPROTO_IPV6, libc::IPV6_RTHDR, &header)?
        }
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(os: &Socket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let int = |name| get_int(os, IPPROTO_IPV6, name);
    let flag = |name| -> Result<bool> { Ok(int(name)? != 0) };
    let count = |name| -> Result<u32> { Ok(uint(int(name)?)) };
    let header = |name| get_vec(os, IPPROTO_IPV6, name, MAX_EXTENSION_HEADER);
    Ok(match name {
        N::Ipv6Only => SocketOption::Ipv6Only(flag(libc::IPV6_V6ONLY)?),
        N::UnicastHops => SocketOption::UnicastHops(count(libc::IPV6_UNICAST_HOPS)?),
        N::Ipv6MulticastHops => SocketOption::Ipv6MulticastHops(count(libc::IPV6_MULTICAST_HOPS)?),
        N::Ipv6MulticastLoop => SocketOption::Ipv6MulticastLoop(flag(libc::IPV6_MULTICAST_LOOP)?),
        N::Ipv6MulticastInterface => {
            SocketOption::Ipv6MulticastInterface(count(libc::IPV6_MULTICAST_IF)?)
        }
        N::TrafficClass => SocketOption::TrafficClass(count(libc::IPV6_TCLASS)?),
        N::Ipv6ReceivePacketInfo => {
            SocketOption::Ipv6ReceivePacketInfo(flag(libc::IPV6_RECVPKTINFO)?)
        }
        N::ReceiveTrafficClass => SocketOption::ReceiveTrafficClass(flag(libc::IPV6_RECVTCLASS)?),
        N::Ipv6Checksum => SocketOption::Ipv6Checksum(int(libc::IPV6_CHECKSUM)?),
        N::Ipv6DontFragment => SocketOption::Ipv6DontFragment(flag(libc::IPV6_DONTFRAG)?),
        N::Ipv6ReceiveHopLimit => SocketOption::Ipv6ReceiveHopLimit(flag(libc::IPV6_RECVHOPLIMIT)?),
        N::Ipv6ReceivePathMtu => SocketOption::Ipv6ReceivePathMtu(flag(libc::IPV6_RECVPATHMTU)?),
        N::Ipv6ReceiveDestinationOptions => {
            SocketOption::Ipv6ReceiveDestinationOptions(flag(libc::IPV6_RECVDSTOPTS)?)
        }
        N::Ipv6ReceiveHopByHopOptions => {
            SocketOption::Ipv6ReceiveHopByHopOptions(flag(libc::IPV6_RECVHOPOPTS)?)
        }
        N::Ipv6ReceiveRoutingHeader => {
            SocketOption::Ipv6ReceiveRoutingHeader(flag(libc::IPV6_RECVRTHDR)?)
        }
        N::Ipv6PathMtu => {
            let info: Ip6MtuInfo = sockopt::get(os, IPPROTO_IPV6, libc::IPV6_PATHMTU)?;
            SocketOption::Ipv6PathMtu(info.mtu)
        }
        N::Ipv6HopByHopOptions => SocketOption::Ipv6HopByHopOptions(header(libc::IPV6_HOPOPTS)?),
        N::Ipv6DestinationOptions => {
            SocketOption::Ipv6DestinationOptions(header(libc::IPV6_DSTOPTS)?)
        }
        N::Ipv6RoutingHeader => SocketOption::Ipv6RoutingHeader(header(libc::IPV6_RTHDR)?),
        N::Ipv6RoutingHeaderDestinationOptions => {
            SocketOption::Ipv6RoutingHeaderDestinationOptions(header(libc::IPV6_RTHDRDSTOPTS)?)
        }
        other => return Err(misrouted(other)),
    })
}

/// Linux's loopback interface index, the same in every network namespace.
const LOOPBACK_INDEX: u32 = 1;

/// Check naming the interface with `index` (`IPV6_MULTICAST_IF`, the
/// interface of a membership): the kernel fails for an index the host
/// does not have, so any index but the kernel's choice (0) and loopback
/// needs the interfaces grant.
pub(super) fn check_interface(policy: &Policy, index: u32) -> Result<()> {
    if index == 0 || index == LOOPBACK_INDEX {
        return Ok(());
    }
    policy.check_interfaces(&format!("naming an interface by its index ({index})"))
}

fn group(membership: &Ipv6Membership) -> Ipv6Addr {
    let (a, b, c, d, e, f, g, h) = membership.group;
    Ipv6Addr::new(a, b, c, d, e, f, g, h)
}

fn mreq(membership: &Ipv6Membership) -> libc::ipv6_mreq {
    libc::ipv6_mreq {
        ipv6mr_multiaddr: libc::in6_addr {
            s6_addr: group(membership).octets(),
        },
        ipv6mr_interface: membership.interface_index,
    }
}
