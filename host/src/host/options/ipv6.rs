//! `IPPROTO_IPV6` options, multicast membership included.

use std::net::Ipv6Addr;

use libc::IPPROTO_IPV6;
use socket2::Socket;

use super::{Result, byte, hops, int_of, misrouted, uint};
use crate::bindings::socket::{Ipv6Membership, OptionName, SocketOption};
use crate::core::sockopt::{self, get_int, set_int};
use crate::policy::Policy;

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
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(os: &Socket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let int = |name| get_int(os, IPPROTO_IPV6, name);
    let flag = |name| -> Result<bool> { Ok(int(name)? != 0) };
    let count = |name| -> Result<u32> { Ok(uint(int(name)?)) };
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
        other => return Err(misrouted(other)),
    })
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
