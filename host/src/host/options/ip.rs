//! `IPPROTO_IP` options, multicast membership and IPv4 header options
//! included.

use std::net::Ipv4Addr;

use libc::IPPROTO_IP;
use socket2::Socket;

use super::{Result, byte, hops, int_of, invalid, misrouted, not_permitted, uint};
use crate::bindings::socket::{
    Ipv4Membership, Ipv4SourceMembership, MtuDiscovery, OptionName, SocketOption,
};
use crate::bindings::types::Ipv4Address;
use crate::core::sockopt::{self, get_int, get_vec, set_bytes, set_int};
use crate::policy::Policy;

/// The most bytes of options an IPv4 header holds.
const MAX_OPTIONS: usize = 40;

/// IPv4 option kinds (`IPOPT_*`, RFC 791).
const IPOPT_END: u8 = 0;
const IPOPT_NOOP: u8 = 1;
const IPOPT_RR: u8 = 7;
const IPOPT_TS: u8 = 68;
const IPOPT_LSRR: u8 = 131;
const IPOPT_SSRR: u8 = 137;
const IPOPT_RA: u8 = 148;

pub(super) fn set(policy: &Policy, os: &Socket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    let set = |name, value| set_int(os, IPPROTO_IP, name, value);
    match value {
        Ttl(v) => set(libc::IP_TTL, hops(v)?)?,
        TypeOfService(v) => set(libc::IP_TOS, byte(v, "type of service")?)?,
        ReceiveTypeOfService(v) => set(libc::IP_RECVTOS, int_of(v))?,
        Ipv4ReceivePacketInfo(v) => set(libc::IP_PKTINFO, int_of(v))?,
        Ipv4ReceiveErrors(v) => set(libc::IP_RECVERR, int_of(v))?,
        Ipv4MtuDiscovery(mode) => set(libc::IP_MTU_DISCOVER, pmtudisc(mode))?,
        Ipv4MulticastTtl(v) => set(libc::IP_MULTICAST_TTL, byte(v, "multicast TTL")?)?,
        Ipv4MulticastLoop(v) => set(libc::IP_MULTICAST_LOOP, int_of(v))?,
        Ipv4MulticastInterface(address) => {
            sockopt::set(os, IPPROTO_IP, libc::IP_MULTICAST_IF, &in_addr(address))?
        }
        Ipv4JoinGroup(membership) => {
            policy.check_multicast(ipv4(membership.group).into())?;
            sockopt::set(os, IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, &mreq(&membership))?
        }
        Ipv4LeaveGroup(membership) => {
            sockopt::set(os, IPPROTO_IP, libc::IP_DROP_MEMBERSHIP, &mreq(&membership))?
        }
        Ipv4JoinSourceGroup(membership) => {
            policy.check_multicast(ipv4(membership.group).into())?;
            let mreq = mreq_source(&membership);
            sockopt::set(os, IPPROTO_IP, libc::IP_ADD_SOURCE_MEMBERSHIP, &mreq)?
        }
        Ipv4LeaveSourceGroup(membership) => {
            let mreq = mreq_source(&membership);
            sockopt::set(os, IPPROTO_IP, libc::IP_DROP_SOURCE_MEMBERSHIP, &mreq)?
        }
        BindAddressNoPort(v) => set(libc::IP_BIND_ADDRESS_NO_PORT, int_of(v))?,
        Ipv4HeaderIncluded(v) => set(libc::IP_HDRINCL, int_of(v))?,
        Ipv4Options(options) => {
            check_options(&options)?;
            set_bytes(os, IPPROTO_IP, libc::IP_OPTIONS, &options)?
        }
        Ipv4ReceiveOptions(v) => set(libc::IP_RECVOPTS, int_of(v))?,
        Ipv4ReceiveReturnOptions(v) => set(libc::IP_RETOPTS, int_of(v))?,
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(os: &Socket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let int = |name| get_int(os, IPPROTO_IP, name);
    let flag = |name| -> Result<bool> { Ok(int(name)? != 0) };
    let count = |name| -> Result<u32> { Ok(uint(int(name)?)) };
    Ok(match name {
        N::Ttl => SocketOption::Ttl(count(libc::IP_TTL)?),
        N::TypeOfService => SocketOption::TypeOfService(count(libc::IP_TOS)?),
        N::ReceiveTypeOfService => SocketOption::ReceiveTypeOfService(flag(libc::IP_RECVTOS)?),
        N::Ipv4ReceivePacketInfo => SocketOption::Ipv4ReceivePacketInfo(flag(libc::IP_PKTINFO)?),
        N::Ipv4ReceiveErrors => SocketOption::Ipv4ReceiveErrors(flag(libc::IP_RECVERR)?),
        N::Ipv4MtuDiscovery => {
            SocketOption::Ipv4MtuDiscovery(mtu_discovery(int(libc::IP_MTU_DISCOVER)?)?)
        }
        N::Ipv4Mtu => SocketOption::Ipv4Mtu(count(libc::IP_MTU)?),
        N::Ipv4MulticastTtl => SocketOption::Ipv4MulticastTtl(count(libc::IP_MULTICAST_TTL)?),
        N::Ipv4MulticastLoop => SocketOption::Ipv4MulticastLoop(flag(libc::IP_MULTICAST_LOOP)?),
        N::Ipv4MulticastInterface => {
            let address: libc::in_addr = sockopt::get(os, IPPROTO_IP, libc::IP_MULTICAST_IF)?;
            let [a, b, c, d] = address.s_addr.to_ne_bytes();
            SocketOption::Ipv4MulticastInterface((a, b, c, d))
        }
        N::BindAddressNoPort => {
            SocketOption::BindAddressNoPort(flag(libc::IP_BIND_ADDRESS_NO_PORT)?)
        }
        N::Ipv4HeaderIncluded => SocketOption::Ipv4HeaderIncluded(flag(libc::IP_HDRINCL)?),
        N::Ipv4Options => {
            SocketOption::Ipv4Options(get_vec(os, IPPROTO_IP, libc::IP_OPTIONS, MAX_OPTIONS)?)
        }
        N::Ipv4ReceiveOptions => SocketOption::Ipv4ReceiveOptions(flag(libc::IP_RECVOPTS)?),
        N::Ipv4ReceiveReturnOptions => {
            SocketOption::Ipv4ReceiveReturnOptions(flag(libc::IP_RETOPTS)?)
        }
        other => return Err(misrouted(other)),
    })
}

/// Refuse what a guest may not put in `IP_OPTIONS`: more than a header
/// holds, source routes (their first hop would escape the policy) and the
/// options Linux reserves to `CAP_NET_RAW` (security labels, unknown
/// kinds). The walk is the kernel's (`ip_options_compile`); a malformed
/// list is left to the kernel, which refuses it with `EINVAL`.
fn check_options(options: &[u8]) -> Result<()> {
    if options.len() > MAX_OPTIONS {
        return Err(invalid("IPv4 options are at most 40 bytes"));
    }
    let mut rest = options;
    while let [kind, tail @ ..] = rest {
        let len = match *kind {
            IPOPT_END => break,
            IPOPT_NOOP => 1,
            _ => match tail.first().map(|len| usize::from(*len)) {
                Some(len) if (2..=rest.len()).contains(&len) => len,
                _ => break,
            },
        };
        match *kind {
            IPOPT_NOOP | IPOPT_RR | IPOPT_TS | IPOPT_RA => rest = &rest[len..],
            IPOPT_LSRR | IPOPT_SSRR => {
                return Err(not_permitted(
                    "IPv4 source routes are not available to guests: the policy cannot check their first hop",
                ));
            }
            other => {
                return Err(not_permitted(format!(
                    "IPv4 option {other} needs CAP_NET_RAW, which guests do not have"
                )));
            }
        }
    }
    Ok(())
}

/// Check naming the interface with `address` (`IP_MULTICAST_IF`, the
/// interface of a membership): the kernel fails for an address the host
/// does not have, so any address but the kernel's choice (`0.0.0.0`) and
/// loopback needs the interfaces grant.
pub(super) fn check_interface(policy: &Policy, address: Ipv4Address) -> Result<()> {
    let address = ipv4(address);
    if address.is_unspecified() || address == Ipv4Addr::LOCALHOST {
        return Ok(());
    }
    policy.check_interfaces(&format!("naming an interface by its address ({address})"))
}

fn ipv4((a, b, c, d): Ipv4Address) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

/// The kernel's form of an address: its octets in network order.
fn in_addr((a, b, c, d): Ipv4Address) -> libc::in_addr {
    libc::in_addr {
        s_addr: u32::from_ne_bytes([a, b, c, d]),
    }
}

fn mreq(membership: &Ipv4Membership) -> libc::ip_mreq {
    libc::ip_mreq {
        imr_multiaddr: in_addr(membership.group),
        imr_interface: in_addr(membership.interface_address),
    }
}

fn mreq_source(membership: &Ipv4SourceMembership) -> libc::ip_mreq_source {
    libc::ip_mreq_source {
        imr_multiaddr: in_addr(membership.group),
        imr_interface: in_addr(membership.interface_address),
        imr_sourceaddr: in_addr(membership.source),
    }
}

fn pmtudisc(mode: MtuDiscovery) -> i32 {
    match mode {
        MtuDiscovery::Dont => libc::IP_PMTUDISC_DONT,
        MtuDiscovery::Want => libc::IP_PMTUDISC_WANT,
        MtuDiscovery::Do => libc::IP_PMTUDISC_DO,
        MtuDiscovery::Probe => libc::IP_PMTUDISC_PROBE,
        MtuDiscovery::Interface => libc::IP_PMTUDISC_INTERFACE,
        MtuDiscovery::Omit => libc::IP_PMTUDISC_OMIT,
    }
}

fn mtu_discovery(value: i32) -> Result<MtuDiscovery> {
    Ok(match value {
        libc::IP_PMTUDISC_DONT => MtuDiscovery::Dont,
        libc::IP_PMTUDISC_WANT => MtuDiscovery::Want,
        libc::IP_PMTUDISC_DO => MtuDiscovery::Do,
        libc::IP_PMTUDISC_PROBE => MtuDiscovery::Probe,
        libc::IP_PMTUDISC_INTERFACE => MtuDiscovery::Interface,
        libc::IP_PMTUDISC_OMIT => MtuDiscovery::Omit,
        other => return Err(invalid(&format!("unknown IP_MTU_DISCOVER mode {other}"))),
    })
}
