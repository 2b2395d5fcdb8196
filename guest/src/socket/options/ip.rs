//! `IPPROTO_IP` options, multicast membership and IPv4 header options
//! included.

use std::io;
use std::net::Ipv4Addr;

use crate::addr::{ipv4_from_wit, ipv4_to_wit};
use crate::bindings::wasock::sockets::socket::{Ipv4Membership, Ipv4SourceMembership};
use crate::socket::{MtuDiscovery, Socket, SocketOption};

impl Socket {
    /// Sets `IP_TTL`, the time-to-live of outgoing IPv4 packets.
    ///
    /// Calls `socket.set-option(ttl)`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ttl(ttl))
    }

    /// Reads `IP_TTL`.
    ///
    /// Calls `socket.get-option(ttl)`.
    pub fn ttl(&self) -> io::Result<u32> {
        Ok(get!(self, Ttl))
    }

    /// Sets `IP_TOS`, the type-of-service byte of outgoing packets, 0 to 255.
    ///
    /// Calls `socket.set-option(type-of-service)`.
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.set_option(SocketOption::TypeOfService(tos))
    }

    /// Reads `IP_TOS`.
    ///
    /// Calls `socket.get-option(type-of-service)`.
    pub fn tos_v4(&self) -> io::Result<u32> {
        Ok(get!(self, TypeOfService))
    }

    /// Sets `IP_RECVTOS`: receive each datagram's type of service with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(receive-type-of-service)`.
    pub fn set_recv_tos_v4(&self, recv_tos: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveTypeOfService(recv_tos))
    }

    /// Reads `IP_RECVTOS`.
    ///
    /// Calls `socket.get-option(receive-type-of-service)`.
    pub fn recv_tos_v4(&self) -> io::Result<bool> {
        Ok(get!(self, ReceiveTypeOfService))
    }

    /// Sets `IP_PKTINFO`: receive each datagram's interface and addresses
    /// with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-packet-info)`.
    pub fn set_pktinfo_v4(&self, pktinfo: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceivePacketInfo(pktinfo))
    }

    /// Reads `IP_PKTINFO`.
    ///
    /// Calls `socket.get-option(ipv4-receive-packet-info)`.
    pub fn pktinfo_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceivePacketInfo))
    }

    /// Sets `IP_RECVERR`: queue extended errors, to be read with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-errors)`.
    pub fn set_recv_err_v4(&self, recv_err: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceiveErrors(recv_err))
    }

    /// Reads `IP_RECVERR`.
    ///
    /// Calls `socket.get-option(ipv4-receive-errors)`.
    pub fn recv_err_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceiveErrors))
    }

    /// Sets `IP_MTU_DISCOVER`, path MTU discovery.
    ///
    /// Calls `socket.set-option(ipv4-mtu-discovery)`.
    pub fn set_mtu_discover_v4(&self, mode: MtuDiscovery) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MtuDiscovery(mode))
    }

    /// Reads `IP_MTU_DISCOVER`.
    ///
    /// Calls `socket.get-option(ipv4-mtu-discovery)`.
    pub fn mtu_discover_v4(&self) -> io::Result<MtuDiscovery> {
        Ok(get!(self, Ipv4MtuDiscovery))
    }

    /// The path MTU of a connected socket (`IP_MTU`); fails with
    /// `not-connected` otherwise.
    ///
    /// Calls `socket.get-option(ipv4-mtu)`.
    pub fn mtu_v4(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv4Mtu))
    }

    /// Sets `IP_MULTICAST_TTL`, the TTL of outgoing multicast packets, 0
    /// to 255.
    ///
    /// Calls `socket.set-option(ipv4-multicast-ttl)`.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastTtl(ttl))
    }

    /// Reads `IP_MULTICAST_TTL`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-ttl)`.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv4MulticastTtl))
    }

    /// Sets `IP_MULTICAST_LOOP`: loop outgoing multicast back to local
    /// members.
    ///
    /// Calls `socket.set-option(ipv4-multicast-loop)`.
    pub fn set_multicast_loop_v4(&self, multicast_loop: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastLoop(multicast_loop))
    }

    /// Reads `IP_MULTICAST_LOOP`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-loop)`.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4MulticastLoop))
    }

    /// Sets `IP_MULTICAST_IF`: the local address of the interface for
    /// outgoing multicast; `0.0.0.0` lets the kernel choose.
    ///
    /// Calls `socket.set-option(ipv4-multicast-interface)`.
    pub fn set_multicast_if_v4(&self, interface: &Ipv4Addr) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastInterface(ipv4_to_wit(interface)))
    }

    /// Reads `IP_MULTICAST_IF`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-interface)`.
    pub fn multicast_if_v4(&self) -> io::Result<Ipv4Addr> {
        Ok(ipv4_from_wit(get!(self, Ipv4MulticastInterface)))
    }

    /// Joins the multicast group `multiaddr` on the interface with local
    /// address `interface` (`IP_ADD_MEMBERSHIP`); needs the host's
    /// multicast grant.
    ///
    /// Calls `socket.set-option(ipv4-join-group)`.
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        let membership = Ipv4Membership {
            group: ipv4_to_wit(multiaddr),
            interface_address: ipv4_to_wit(interface),
        };
        self.set_option(SocketOption::Ipv4JoinGroup(membership))
    }

    /// Leaves a multicast group (`IP_DROP_MEMBERSHIP`).
    ///
    /// Calls `socket.set-option(ipv4-leave-group)`.
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        let membership = Ipv4Membership {
            group: ipv4_to_wit(multiaddr),
            interface_address: ipv4_to_wit(interface),
        };
        self.set_option(SocketOption::Ipv4LeaveGroup(membership))
    }

    /// Joins the multicast group `group` for datagrams from `source` only
    /// (`IP_ADD_SOURCE_MEMBERSHIP`); needs the host's multicast grant.
    ///
    /// Calls `socket.set-option(ipv4-join-source-group)`.
    pub fn join_ssm_v4(
        &self,
        source: &Ipv4Addr,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let membership = source_membership(source, group, interface);
        self.set_option(SocketOption::Ipv4JoinSourceGroup(membership))
    }

    /// Leaves a source-specific multicast group
    /// (`IP_DROP_SOURCE_MEMBERSHIP`).
    ///
    /// Calls `socket.set-option(ipv4-leave-source-group)`.
    pub fn leave_ssm_v4(
        &self,
        source: &Ipv4Addr,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let membership = source_membership(source, group, interface);
        self.set_option(SocketOption::Ipv4LeaveSourceGroup(membership))
    }

    /// Sets `IP_BIND_ADDRESS_NO_PORT`: a `bind` to port 0 leaves the port
    /// to be chosen at `connect`.
    ///
    /// Calls `socket.set-option(bind-address-no-port)`.
    pub fn set_bind_address_no_port(&self, no_port: bool) -> io::Result<()> {
        self.set_option(SocketOption::BindAddressNoPort(no_port))
    }

    /// Reads `IP_BIND_ADDRESS_NO_PORT`.
    ///
    /// Calls `socket.get-option(bind-address-no-port)`.
    pub fn bind_address_no_port(&self) -> io::Result<bool> {
        Ok(get!(self, BindAddressNoPort))
    }

    /// Sets `IP_HDRINCL` on a raw socket: the data sent starts with the
    /// IPv4 header.
    ///
    /// Calls `socket.set-option(ipv4-header-included)`.
    pub fn set_header_included_v4(&self, included: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4HeaderIncluded(included))
    }

    /// Reads `IP_HDRINCL`.
    ///
    /// Calls `socket.get-option(ipv4-header-included)`.
    pub fn header_included_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4HeaderIncluded))
    }

    /// Sets `IP_OPTIONS`, the options of outgoing IPv4 packets (at most 40
    /// bytes; empty removes them). Source routes and options that need
    /// `CAP_NET_RAW` fail with `not-permitted`.
    ///
    /// Calls `socket.set-option(ipv4-options)`.
    pub fn set_options_v4(&self, options: &[u8]) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4Options(options.to_vec()))
    }

    /// Reads `IP_OPTIONS`, padded by Linux to a multiple of 4 bytes.
    ///
    /// Calls `socket.get-option(ipv4-options)`.
    pub fn options_v4(&self) -> io::Result<Vec<u8>> {
        Ok(get!(self, Ipv4Options))
    }

    /// Sets `IP_RECVOPTS`: receive each datagram's IPv4 options with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-options)`.
    pub fn set_recv_options_v4(&self, recv_options: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceiveOptions(recv_options))
    }

    /// Reads `IP_RECVOPTS`.
    ///
    /// Calls `socket.get-option(ipv4-receive-options)`.
    pub fn recv_options_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceiveOptions))
    }

    /// Sets `IP_RETOPTS` (`IP_RECVRETOPTS`): receive the options to answer
    /// each datagram with, with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-return-options)`.
    pub fn set_recv_retopts_v4(&self, recv_retopts: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceiveReturnOptions(recv_retopts))
    }

    /// Reads `IP_RETOPTS`.
    ///
    /// Calls `socket.get-option(ipv4-receive-return-options)`.
    pub fn recv_retopts_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceiveReturnOptions))
    }
}

fn source_membership(
    source: &Ipv4Addr,
    group: &Ipv4Addr,
    interface: &Ipv4Addr,
) -> Ipv4SourceMembership {
    Ipv4SourceMembership {
        group: ipv4_to_wit(group),
        interface_address: ipv4_to_wit(interface),
        source: ipv4_to_wit(source),
    }
}
