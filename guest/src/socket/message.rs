//! `sendmsg`/`recvmsg`: gathered data with ancillary data, including
//! sockets passed from one process (or guest) to another.

use std::io;

use super::{MessageFlags, SockAddr, Socket, wit};
use crate::bindings::wasock::sockets::socket::{IncomingAncillary, OutgoingAncillary};

pub use crate::bindings::wasock::sockets::socket::{Ipv4PacketInfo, Ipv6PacketInfo, RawAncillary};
pub use crate::bindings::wasock::sockets::types::Credentials;

/// Ancillary data to send with [`Socket::send_msg`].
#[derive(Debug)]
pub enum SendAncillary<'a> {
    /// Pass these sockets to the receiver (`SCM_RIGHTS`); the sender keeps
    /// them.
    Rights(Vec<&'a Socket>),
    /// Send credentials (`SCM_CREDENTIALS`); only the host process's own.
    Credentials(Credentials),
}

/// Ancillary data received with [`Socket::recv_msg`].
#[derive(Debug)]
pub enum Ancillary {
    /// Sockets passed by the sender, now owned here (`SCM_RIGHTS`).
    Rights(Vec<Socket>),
    /// Passed descriptors that were not sockets; the host closed them.
    ClosedDescriptors(u32),
    /// The sender's credentials (`SCM_CREDENTIALS`, with `SO_PASSCRED`).
    Credentials(Credentials),
    /// The reception time since the Unix epoch (`SCM_TIMESTAMP`).
    Timestamp(std::time::Duration),
    /// `IP_PKTINFO`.
    Ipv4PacketInfo(Ipv4PacketInfo),
    /// `IPV6_PKTINFO`.
    Ipv6PacketInfo(Ipv6PacketInfo),
    /// `IP_TOS` of the datagram.
    TypeOfService(u8),
    /// `IPV6_TCLASS` of the datagram.
    TrafficClass(u8),
    /// Any other control message.
    Other(RawAncillary),
    /// `IPV6_HOPLIMIT` of the datagram (with `IPV6_RECVHOPLIMIT`).
    HopLimit(u8),
}

/// A message received with [`Socket::recv_msg`].
#[derive(Debug)]
pub struct Message {
    /// The data.
    pub data: Vec<u8>,
    /// The ancillary data.
    pub ancillary: Vec<Ancillary>,
    /// `msg_flags`: [`MessageFlags::TRUNCATE`], [`MessageFlags::CONTROL_TRUNCATE`],
    /// [`MessageFlags::END_OF_RECORD`], [`MessageFlags::OUT_OF_BAND`].
    pub flags: MessageFlags,
    /// The source address, when the socket reports one.
    pub address: Option<SockAddr>,
}

impl Message {
    /// The sockets passed with the message, taken out of it.
    pub fn take_sockets(&mut self) -> Vec<Socket> {
        let mut sockets = Vec::new();
        self.ancillary.retain_mut(|item| match item {
            Ancillary::Rights(passed) => {
                sockets.append(passed);
                false
            }
            _ => true,
        });
        sockets
    }
}

impl Socket {
    /// Sends `data` gathered from several buffers, with ancillary data, to
    /// `address` when given (as `send_to`) or to the connected peer.
    ///
    /// Calls `socket.send-msg`, like `sendmsg(2)`.
    pub fn send_msg(
        &self,
        data: &[&[u8]],
        ancillary: &[SendAncillary<'_>],
        flags: MessageFlags,
        address: Option<&SockAddr>,
    ) -> io::Result<usize> {
        let data: Vec<Vec<u8>> = data.iter().map(|part| part.to_vec()).collect();
        let ancillary: Vec<OutgoingAncillary<'_>> = ancillary
            .iter()
            .map(|item| match item {
                SendAncillary::Rights(sockets) => OutgoingAncillary::Rights(
                    sockets.iter().map(|socket| socket.as_raw()).collect(),
                ),
                SendAncillary::Credentials(credentials) => {
                    OutgoingAncillary::Credentials(*credentials)
                }
            })
            .collect();
        let address = address.map(Into::into);
        let sent = self
            .as_raw()
            .send_msg(&data, &ancillary, flags, address.as_ref())?;
        Ok(super::to_usize(sent))
    }

    /// Receives a message of at most `max_len` bytes with up to
    /// `max_ancillary` bytes of ancillary data (`CMSG_SPACE` units, like
    /// Python's `ancbufsize`).
    ///
    /// Calls `socket.recv-msg`, like `recvmsg(2)`.
    pub fn recv_msg(
        &self,
        max_len: usize,
        max_ancillary: usize,
        flags: MessageFlags,
    ) -> io::Result<Message> {
        let message =
            self.as_raw()
                .recv_msg(super::to_u64(max_len), super::to_u64(max_ancillary), flags)?;
        Ok(Message {
            data: message.data,
            ancillary: message.ancillary.into_iter().map(Ancillary::from).collect(),
            flags: message.flags,
            address: message.address.map(Into::into),
        })
    }

    /// Sends `data` and passes `sockets` along with it, like Python's
    /// `socket.send_fds`.
    ///
    /// Calls `socket.send-msg`, like `sendmsg(2)` with `SCM_RIGHTS`.
    pub fn send_with_sockets(&self, data: &[u8], sockets: &[&Socket]) -> io::Result<usize> {
        let rights = SendAncillary::Rights(sockets.to_vec());
        self.send_msg(&[data], &[rights], MessageFlags::empty(), None)
    }

    /// Receives at most `max_len` bytes and the sockets passed with them,
    /// like Python's `socket.recv_fds` (room for up to `max_sockets`).
    ///
    /// Calls `socket.recv-msg`, like `recvmsg(2)` with `SCM_RIGHTS`.
    pub fn recv_with_sockets(
        &self,
        max_len: usize,
        max_sockets: usize,
    ) -> io::Result<(Vec<u8>, Vec<Socket>)> {
        let mut message =
            self.recv_msg(max_len, rights_space(max_sockets), MessageFlags::empty())?;
        let sockets = message.take_sockets();
        Ok((message.data, sockets))
    }
}

/// The size of a `cmsghdr` header on Linux (64-bit).
const CMSG_HEADER: usize = 16;

/// Rounds up to the alignment of control messages (8 bytes on Linux).
const fn cmsg_align(len: usize) -> usize {
    len.div_ceil(8) * 8
}

/// `CMSG_LEN(len)`, like Python's `socket.CMSG_LEN`: the `cmsg_len` of a
/// control message carrying `len` bytes.
pub const fn cmsg_len(len: usize) -> usize {
    CMSG_HEADER + len
}

/// `CMSG_SPACE(len)`, like Python's `socket.CMSG_SPACE`: the room a
/// control message carrying `len` bytes takes, padding included; sums of
/// these size the `max_ancillary` of [`Socket::recv_msg`].
pub const fn cmsg_space(len: usize) -> usize {
    CMSG_HEADER + cmsg_align(len)
}

/// `CMSG_SPACE(n * sizeof(int))`: the room `n` passed descriptors take.
pub const fn rights_space(count: usize) -> usize {
    cmsg_space(count * 4)
}

/// Takes the sockets the embedder handed this guest at start (socket
/// activation); each is returned once.
///
/// Calls `socket.take-inherited-sockets`.
pub fn take_inherited_sockets() -> io::Result<Vec<Socket>> {
    let sockets = wit::take_inherited_sockets()?;
    Ok(sockets.into_iter().map(Socket::from).collect())
}

impl From<IncomingAncillary> for Ancillary {
    fn from(item: IncomingAncillary) -> Ancillary {
        match item {
            IncomingAncillary::Rights(sockets) => {
                Ancillary::Rights(sockets.into_iter().map(Socket::from).collect())
            }
            IncomingAncillary::ClosedDescriptors(count) => Ancillary::ClosedDescriptors(count),
            IncomingAncillary::Credentials(credentials) => Ancillary::Credentials(credentials),
            IncomingAncillary::Timestamp(nanos) => {
                Ancillary::Timestamp(std::time::Duration::from_nanos(nanos))
            }
            IncomingAncillary::Ipv4PacketInfo(info) => Ancillary::Ipv4PacketInfo(info),
            IncomingAncillary::Ipv6PacketInfo(info) => Ancillary::Ipv6PacketInfo(info),
            IncomingAncillary::TypeOfService(tos) => Ancillary::TypeOfService(tos),
            IncomingAncillary::TrafficClass(class) => Ancillary::TrafficClass(class),
            IncomingAncillary::Other(raw) => Ancillary::Other(raw),
            IncomingAncillary::HopLimit(hops) => Ancillary::HopLimit(hops),
        }
    }
}
