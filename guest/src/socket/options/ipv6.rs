//! `IPPROTO_IPV6` options, multicast membership and extension headers
//! included.

use std::io;
use std::net::Ipv6Addr;

use crate::addr::ipv6_to_wit;
use crate::bindings::wasock::sockets::socket::Ipv6Membership;
use crate::socket::{Socket, SocketOption};

impl Socket {
    /// Sets `IPV6_V6ONLY`: restrict an IPv6 socket to IPv6; when false,
    /// IPv4 peers appear as IPv4-mapped addresses. Set it before `bind`.
    ///
    /// Calls `socket.set-option(ipv6-only)`.
    pub fn set_only_v6(&self, only_v6: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6Only(only_v6))
    }

    /// Reads `IPV6_V6ONLY`.
    ///
    /// Calls `socket.get-option(ipv6-only)`.
    pub fn only_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6Only))
    }

    /// Sets `IPV6_UNICAST_HOPS`, the hop limit of outgoing IPv6 unicast
    /// packets.
    ///
    /// Calls `socket.set-option(unicast-hops)`.
    pub fn set_unicast_hops_v6(&self, hops: u32) -> io::Result<()> {
        self.set_option(SocketOption::UnicastHops(hops))
    }

    /// Reads `IPV6_UNICAST_HOPS`.
    ///
    /// Calls `socket.get-option(unicast-hops)`.
    pub fn unicast_hops_v6(&self) -> io::Result<u32> {
        Ok(get!(self, UnicastHops))
    }

    /// Sets `IPV6_MULTICAST_HOPS`, the hop limit of outgoing multicast
    /// packets, 0 to 255.
    ///
    /// Calls `socket.set-option(ipv6-multicast-hops)`.
    pub fn set_multicast_hops_v6(&self, hops: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastHops(hops))
    }

    /// Reads `IPV6_MULTICAST_HOPS`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-hops)`.
    pub fn multicast_hops_v6(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv6MulticastHops))
    }

    /// Sets `IPV6_MULTICAST_LOOP`: loop outgoing multicast back to local
    /// members.
    ///
    /// Calls `socket.set-option(ipv6-multicast-loop)`.
    pub fn set_multicast_loop_v6(&self, multicast_loop: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastLoop(multicast_loop))
    }

    /// Reads `IPV6_MULTICAST_LOOP`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-loop)`.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6MulticastLoop))
    }

    /// Sets `IPV6_MULTICAST_IF`: the index of the interface for outgoing
    /// multicast; 0 lets the kernel choose.
    ///
    /// Calls `socket.set-option(ipv6-multicast-interface)`.
    pub fn set_multicast_if_v6(&self, interface: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastInterface(interface))
    }

    /// Reads `IPV6_MULTICAST_IF`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-interface)`.
    pub fn multicast_if_v6(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv6MulticastInterface))
    }

    /// Joins the multicast group `multiaddr` on the interface with index
    /// `interface` (0: the kernel's choice), `IPV6_JOIN_GROUP`; needs the
    /// host's multicast grant.
    ///
    /// Calls `socket.set-option(ipv6-join-group)`.
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let membership = ipv6_membership(multiaddr, interface);
        self.set_option(SocketOption::Ipv6JoinGroup(membership))
    }

    /// Leaves a multicast group (`IPV6_LEAVE_GROUP`).
    ///
    /// Calls `socket.set-option(ipv6-leave-group)`.
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let membership = ipv6_membership(multiaddr, interface);
        self.set_option(SocketOption::Ipv6LeaveGroup(membership))
    }

    /// Sets `IPV6_TCLASS`, the traffic class of outgoing packets, 0 to 255.
    ///
    /// Calls `socket.set-option(traffic-class)`.
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.set_option(SocketOption::TrafficClass(tclass))
    }

    /// Reads `IPV6_TCLASS`.
    ///
    /// Calls `socket.get-option(traffic-class)`.
    pub fn tclass_v6(&self) -> io::Result<u32> {
        Ok(get!(self, TrafficClass))
    }

    /// Sets `IPV6_RECVPKTINFO`: receive each datagram's destination and
    /// interface with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-packet-info)`.
    pub fn set_recv_pktinfo_v6(&self, pktinfo: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceivePacketInfo(pktinfo))
    }

    /// Reads `IPV6_RECVPKTINFO`.
    ///
    /// Calls `socket.get-option(ipv6-receive-packet-info)`.
    pub fn recv_pktinfo_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceivePacketInfo))
    }

    /// Sets `IPV6_RECVTCLASS`: receive each datagram's traffic class with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(receive-traffic-class)`.
    pub fn set_recv_tclass_v6(&self, recv_tclass: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveTrafficClass(recv_tclass))
    }

    /// Reads `IPV6_RECVTCLASS`.
    ///
    /// Calls `socket.get-option(receive-traffic-class)`.
    pub fn recv_tclass_v6(&self) -> io::Result<bool> {
        Ok(get!(self, ReceiveTrafficClass))
    }

    /// Sets `IPV6_CHECKSUM` on a raw socket: the offset of the checksum
    /// the kernel computes and verifies; negative disables it.
    ///
    /// Calls `socket.set-option(ipv6-checksum)`.
    pub fn set_checksum_v6(&self, offset: i32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6Checksum(offset))
    }

    /// Reads `IPV6_CHECKSUM`; -1 when disabled.
    ///
    /// Calls `socket.get-option(ipv6-checksum)`.
    pub fn checksum_v6(&self) -> io::Result<i32> {
        Ok(get!(self, Ipv6Checksum))
    }

    /// Sets `IPV6_DONTFRAG`: never fragment outgoing datagrams.
    ///
    /// Calls `socket.set-option(ipv6-dont-fragment)`.
    pub fn set_dontfrag_v6(&self, dontfrag: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6DontFragment(dontfrag))
    }

    /// Reads `IPV6_DONTFRAG`.
    ///
    /// Calls `socket.get-option(ipv6-dont-fragment)`.
    pub fn dontfrag_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6DontFragment))
    }

    /// Sets `IPV6_RECVHOPLIMIT`: receive each datagram's hop limit with
    /// `recv-msg`, as [`Ancillary::HopLimit`](super::Ancillary::HopLimit).
    ///
    /// Calls `socket.set-option(ipv6-receive-hop-limit)`.
    pub fn set_recv_hoplimit_v6(&self, recv_hoplimit: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceiveHopLimit(recv_hoplimit))
    }

    /// Reads `IPV6_RECVHOPLIMIT`.
    ///
    /// Calls `socket.get-option(ipv6-receive-hop-limit)`.
    pub fn recv_hoplimit_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceiveHopLimit))
    }

    /// Sets `IPV6_RECVPATHMTU`: receive a new path MTU with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-path-mtu)`.
    pub fn set_recv_pathmtu_v6(&self, recv_pathmtu: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceivePathMtu(recv_pathmtu))
    }

    /// Reads `IPV6_RECVPATHMTU`.
    ///
    /// Calls `socket.get-option(ipv6-receive-path-mtu)`.
    pub fn recv_pathmtu_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceivePathMtu))
    }

    /// Sets `IPV6_RECVDSTOPTS`: receive each datagram's destination
    /// options with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-destination-options)`.
    pub fn set_recv_dstopts_v6(&self, recv_dstopts: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceiveDestinationOptions(recv_dstopts))
    }

    /// Reads `IPV6_RECVDSTOPTS`.
    ///
    /// Calls `socket.get-option(ipv6-receive-destination-options)`.
    pub fn recv_dstopts_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceiveDestinationOptions))
    }

    /// Sets `IPV6_RECVHOPOPTS`: receive each datagram's hop-by-hop options
    /// with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-hop-by-hop-options)`.
    pub fn set_recv_hopopts_v6(&self, recv_hopopts: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceiveHopByHopOptions(recv_hopopts))
    }

    /// Reads `IPV6_RECVHOPOPTS`.
    ///
    /// Calls `socket.get-option(ipv6-receive-hop-by-hop-options)`.
    pub fn recv_hopopts_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceiveHopByHopOptions))
    }

    /// Sets `IPV6_RECVRTHDR`: receive each datagram's routing header with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-routing-header)`.
    pub fn set_recv_rthdr_v6(&self, recv_rthdr: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceiveRoutingHeader(recv_rthdr))
    }

    /// Reads `IPV6_RECVRTHDR`.
    ///
    /// Calls `socket.get-option(ipv6-receive-routing-header)`.
    pub fn recv_rthdr_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceiveRoutingHeader))
    }

    /// The path MTU of a connected socket (`IPV6_PATHMTU`); fails with
    /// `not-connected` otherwise.
    ///
    /// Calls `socket.get-option(ipv6-path-mtu)`.
    pub fn path_mtu_v6(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv6PathMtu))
    }

    /// Sets `IPV6_HOPOPTS`, the hop-by-hop options header. Linux requires
    /// `CAP_NET_RAW`: this fails with `not-permitted`.
    ///
    /// Calls `socket.set-option(ipv6-hop-by-hop-options)`.
    pub fn set_hopopts_v6(&self, header: &[u8]) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6HopByHopOptions(header.to_vec()))
    }

    /// Reads `IPV6_HOPOPTS`; empty when there is none.
    ///
    /// Calls `socket.get-option(ipv6-hop-by-hop-options)`.
    pub fn hopopts_v6(&self) -> io::Result<Vec<u8>> {
        Ok(get!(self, Ipv6HopByHopOptions))
    }

    /// Sets `IPV6_DSTOPTS`, the destination options header. Linux requires
    /// `CAP_NET_RAW`: this fails with `not-permitted`.
    ///
    /// Calls `socket.set-option(ipv6-destination-options)`.
    pub fn set_dstopts_v6(&self, header: &[u8]) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6DestinationOptions(header.to_vec()))
    }

    /// Reads `IPV6_DSTOPTS`; empty when there is none.
    ///
    /// Calls `socket.get-option(ipv6-destination-options)`.
    pub fn dstopts_v6(&self) -> io::Result<Vec<u8>> {
        Ok(get!(self, Ipv6DestinationOptions))
    }

    /// Sets `IPV6_RTHDR`, the routing header. Only an empty header (none)
    /// may be set; others fail with `not-permitted`.
    ///
    /// Calls `socket.set-option(ipv6-routing-header)`.
    pub fn set_rthdr_v6(&self, header: &[u8]) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6RoutingHeader(header.to_vec()))
    }

    /// Reads `IPV6_RTHDR`; empty when there is none.
    ///
    /// Calls `socket.get-option(ipv6-routing-header)`.
    pub fn rthdr_v6(&self) -> io::Result<Vec<u8>> {
        Ok(get!(self, Ipv6RoutingHeader))
    }

    /// Sets `IPV6_RTHDRDSTOPTS`, the destination options header before the
    /// routing header. Linux requires `CAP_NET_RAW`: this fails with
    /// `not-permitted`.
    ///
    /// Calls `socket.set-option(ipv6-routing-header-destination-options)`.
    pub fn set_rthdrdstopts_v6(&self, header: &[u8]) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6RoutingHeaderDestinationOptions(
            header.to_vec(),
        ))
    }

    /// Reads `IPV6_RTHDRDSTOPTS`; empty when there is none.
    ///
    /// Calls `socket.get-option(ipv6-routing-header-destination-options)`.
    pub fn rthdrdstopts_v6(&self) -> io::Result<Vec<u8>> {
        Ok(get!(self, Ipv6RoutingHeaderDestinationOptions))
    }
}

fn ipv6_membership(group: &Ipv6Addr, interface: u32) -> Ipv6Membership {
    Ipv6Membership {
        group: ipv6_to_wit(group),
        interface_index: interface,
    }
}
