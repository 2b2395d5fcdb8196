//! `sendmsg(2)` and `recvmsg(2)`: gathered data, ancillary data (control
//! messages) and descriptor passing.
//!
//! Received descriptors arrive with `MSG_CMSG_CLOEXEC` and are wrapped in an
//! owner the moment they are read from the control buffer, so none can leak:
//! sockets become new [`HostSocket`]s, anything else is closed and counted.

use std::io::{self, IoSlice};
use std::mem::size_of;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use socket2::{MsgHdr, SockAddr, Socket};
use tokio::io::Interest;

use crate::core::address::SockAddress;
use crate::core::control;
use crate::core::recv_buffer::RecvBuffer;
use crate::core::socket::{MsgFlags, RECV_FLAGS, SEND_FLAGS, drop_datagram};
use crate::core::sockopt::get_int;
use crate::core::{Family, HostSocket, SockType, SocketError};
use crate::policy::{AddrUse, Policy};

/// Ancillary data to send.
#[derive(Debug)]
pub enum ControlOut {
    /// Descriptors to pass (`SCM_RIGHTS`); they stay open for the sender.
    Rights(Vec<RawFd>),
    /// Credentials (`SCM_CREDENTIALS`).
    Credentials(libc::ucred),
}

/// Ancillary data received.
#[derive(Debug)]
pub enum ControlIn {
    /// The sender's credentials (`SCM_CREDENTIALS`).
    Credentials(libc::ucred),
    /// Reception time since the Unix epoch (`SCM_TIMESTAMP`).
    Timestamp(Duration),
    /// `IP_PKTINFO`: interface index, local address, header destination.
    Ipv4PacketInfo {
        /// The arrival interface.
        interface: u32,
        /// `ipi_spec_dst`.
        local: Ipv4Addr,
        /// `ipi_addr`.
        destination: Ipv4Addr,
    },
    /// `IPV6_PKTINFO`: destination and interface index.
    Ipv6PacketInfo {
        /// The destination address.
        destination: Ipv6Addr,
        /// The arrival interface.
        interface: u32,
    },
    /// `IP_TOS`.
    TypeOfService(u8),
    /// `IPV6_TCLASS`.
    TrafficClass(u8),
    /// `IPV6_HOPLIMIT`.
    HopLimit(u8),
    /// Anything else, as level, type and payload.
    Other {
        /// `cmsg_level`.
        level: i32,
        /// `cmsg_type`.
        kind: i32,
        /// The payload.
        data: Vec<u8>,
    },
}

/// A message received by [`HostSocket::recv_msg`].
pub struct Received {
    /// The data.
    pub data: Vec<u8>,
    /// The ancillary data other than passed descriptors, in the order the
    /// kernel delivered it.
    pub control: Vec<ControlIn>,
    /// Passed sockets (`SCM_RIGHTS`), now owned by the receiver.
    pub sockets: Vec<HostSocket>,
    /// Passed descriptors that were not usable sockets; already closed.
    pub closed_descriptors: u32,
    /// `msg_flags`.
    pub flags: MsgFlags,
    /// The source address, if the kernel reported one.
    pub address: Option<SockAddress>,
}

/// The most ancillary bytes one `recv-msg` may ask for.
pub const MAX_CONTROL: usize = 64 * 1024;

impl HostSocket {
    /// `sendmsg(2)`: `data` gathered in order, `control` as control
    /// messages, to `address` when given (checked as
    /// [`destination_use`](HostSocket::destination_use) says).
    pub async fn send_msg(
        &mut self,
        policy: &Policy,
        data: &[&[u8]],
        control: &[ControlOut],
        flags: MsgFlags,
        address: Option<&SockAddress>,
    ) -> Result<usize, SocketError> {
        check_credentials(control)?;
        let destination = match address {
            Some(address) => Some(self.remote_sockaddr(policy, self.destination_use(), address)?),
            None => {
                self.expect_destination()?;
                None
            }
        };
        let control_buffer = encode_control(control);
        let wait = self.wait_mode(flags);
        let buffers: Vec<IoSlice<'_>> = data.iter().map(|part| IoSlice::new(part)).collect();
        self.io(Interest::WRITABLE, wait, |socket| {
            let mut header = MsgHdr::new().with_buffers(&buffers);
            if let Some((name, _)) = &destination {
                header = header.with_addr(name);
            }
            if !control_buffer.is_empty() {
                header = header.with_control(&control_buffer);
            }
            socket.sendmsg(&header, flags | SEND_FLAGS)
        })
        .await
    }

    /// `recvmsg(2)` of at most `max_len` data bytes and `max_control`
    /// ancillary bytes (both clamped by the caller).
    ///
    /// On an IP datagram socket, a datagram from a source the policy does
    /// not allow (`AddrUse::RecvFrom`) is dropped and the call goes on
    /// waiting for the next one.
    pub async fn recv_msg(
        &mut self,
        policy: &Policy,
        max_len: usize,
        max_control: usize,
        flags: MsgFlags,
    ) -> Result<Received, SocketError> {
        let wait = self.wait_mode(flags);
        // The error queue reports on the guest's own sends, addressed to
        // their destinations: nothing there comes from a peer.
        let check = self.checks_sources(policy) && flags & libc::MSG_ERRQUEUE == 0;
        let mut data = RecvBuffer::new(max_len);
        let mut control_buffer = vec![0u8; max_control];
        let ((received, msg_flags, control_len), name) = self
            .io(Interest::READABLE, wait, |socket| {
                loop {
                    let received =
                        receive_message(socket, data.unfilled(), &mut control_buffer, flags)?;
                    match received.1.as_socket() {
                        Some(source) if check && !policy.allows_peer(AddrUse::RecvFrom, source) => {
                            // IP datagrams carry no descriptors, so nothing
                            // received with the dropped one needs closing.
                            data.discard(received.0.0);
                            drop_datagram(socket, flags)?
                        }
                        _ => return Ok(received),
                    }
                }
            })
            .await?;
        data.advance(received);
        let decoded = decode_control(&control_buffer[..control_len.min(max_control)]);
        let address = Some(self.guest_source(policy, &name))
            .filter(|_| name.len() as usize > size_of::<libc::sa_family_t>())
            .filter(|a| *a != SockAddress::Unnamed);
        Ok(Received {
            data: data.finish(),
            control: decoded.control,
            sockets: decoded.sockets,
            closed_descriptors: decoded.closed,
            flags: msg_flags,
            address,
        })
    }
}

/// One `recvmsg(2)` into `data` and `control`, both initialised buffers:
/// the byte count, `msg_flags` and `msg_controllen`, and the source.
fn receive_message(
    socket: &Socket,
    data: &mut [u8],
    control: &mut [u8],
    flags: MsgFlags,
) -> io::Result<((usize, MsgFlags, usize), SockAddr)> {
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: `try_init` hands out zeroed address storage of the length it
    // passes; the iovec and the control pointer refer to live, initialised
    // buffers of the lengths given, which the kernel only writes into, and
    // `msghdr` is plain data for which all zeros is an empty header.
    unsafe {
        SockAddr::try_init(|storage, name_len| {
            let mut header: libc::msghdr = std::mem::zeroed();
            header.msg_name = storage.cast();
            header.msg_namelen = *name_len;
            header.msg_iov = &mut iov;
            header.msg_iovlen = 1;
            if !control.is_empty() {
                header.msg_control = control.as_mut_ptr().cast();
                header.msg_controllen = control.len();
            }
            let received = libc::recvmsg(
                socket.as_raw_fd(),
                &mut header,
                flags | RECV_FLAGS | libc::MSG_CMSG_CLOEXEC,
            );
            if received < 0 {
                return Err(io::Error::last_os_error());
            }
            *name_len = header.msg_namelen;
            Ok((received as usize, header.msg_flags, header.msg_controllen))
        })
    }
}

/// Only the host process's own credentials may be sent: a root host could
/// otherwise let a guest claim anyone's.
fn check_credentials(control: &[ControlOut]) -> Result<(), SocketError> {
    // SAFETY: these calls have no arguments and cannot fail.
    let own = || unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
    for item in control {
        if let ControlOut::Credentials(credentials) = item
            && (credentials.pid, credentials.uid, credentials.gid) != own()
        {
            return Err(SocketError::with_message(
                libc::EPERM,
                "only the host process's own credentials can be sent",
            ));
        }
    }
    Ok(())
}

/// The control buffer for `control`.
fn encode_control(control: &[ControlOut]) -> Vec<u8> {
    let mut buffer = Vec::new();
    for item in control {
        match item {
            ControlOut::Rights(fds) => {
                let payload: Vec<u8> = fds.iter().flat_map(|fd| fd.to_ne_bytes()).collect();
                control::push(&mut buffer, libc::SOL_SOCKET, libc::SCM_RIGHTS, &payload);
            }
            ControlOut::Credentials(credentials) => {
                let payload = [
                    credentials.pid.to_ne_bytes(),
                    credentials.uid.to_ne_bytes(),
                    credentials.gid.to_ne_bytes(),
                ]
                .concat();
                control::push(
                    &mut buffer,
                    libc::SOL_SOCKET,
                    libc::SCM_CREDENTIALS,
                    &payload,
                );
            }
        }
    }
    buffer
}

/// The first `N` bytes of a payload.
fn field<const N: usize>(data: &[u8], offset: usize) -> Option<[u8; N]> {
    data.get(offset..offset + N)?.try_into().ok()
}

/// What the control messages of one `recvmsg(2)` carried.
#[derive(Default)]
struct Decoded {
    control: Vec<ControlIn>,
    sockets: Vec<HostSocket>,
    closed: u32,
}

/// Parse the control messages `recvmsg(2)` wrote (`msg_controllen`
/// bytes).
fn decode_control(buffer: &[u8]) -> Decoded {
    let mut decoded = Decoded::default();
    for message in control::messages(buffer) {
        if (message.level, message.kind) == (libc::SOL_SOCKET, libc::SCM_RIGHTS) {
            adopt_descriptors(message.data, &mut decoded);
        } else {
            let (level, kind, data) = (message.level, message.kind, message.data);
            decoded.control.push(decode_one(level, kind, data));
        }
    }
    decoded
}

/// One control message other than passed descriptors, read field by
/// field as Linux lays it out (`ucred`, `timeval`, `in_pktinfo`,
/// `in6_pktinfo`, an `int` or a byte); a payload too short for its type is
/// passed on as `Other`.
fn decode_one(level: i32, kind: i32, data: &[u8]) -> ControlIn {
    let int = |offset| field(data, offset).map(i32::from_ne_bytes);
    let ipv4 = |offset| field(data, offset).map(Ipv4Addr::from);
    let known = match (level, kind) {
        (libc::SOL_SOCKET, libc::SCM_CREDENTIALS) => (|| {
            Some(ControlIn::Credentials(libc::ucred {
                pid: int(0)?,
                uid: int(4)? as u32,
                gid: int(8)? as u32,
            }))
        })(),
        (libc::SOL_SOCKET, libc::SCM_TIMESTAMP) => (|| {
            let seconds = i64::from_ne_bytes(field(data, 0)?);
            let micros = i64::from_ne_bytes(field(data, 8)?);
            let since_epoch = Duration::from_secs(u64::try_from(seconds).ok()?);
            Some(ControlIn::Timestamp(
                since_epoch + Duration::from_micros(u64::try_from(micros).ok()?),
            ))
        })(),
        (libc::IPPROTO_IP, libc::IP_PKTINFO) => (|| {
            Some(ControlIn::Ipv4PacketInfo {
                interface: int(0)? as u32,
                local: ipv4(4)?,
                destination: ipv4(8)?,
            })
        })(),
        (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => (|| {
            Some(ControlIn::Ipv6PacketInfo {
                destination: Ipv6Addr::from(field::<16>(data, 0)?),
                interface: int(16)? as u32,
            })
        })(),
        (libc::IPPROTO_IP, libc::IP_TOS) => data.first().map(|tos| ControlIn::TypeOfService(*tos)),
        (libc::IPPROTO_IPV6, libc::IPV6_TCLASS) => {
            int(0).map(|class| ControlIn::TrafficClass(class as u8))
        }
        (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => {
            int(0).map(|hops| ControlIn::HopLimit(hops as u8))
        }
        _ => None,
    };
    known.unwrap_or_else(|| ControlIn::Other {
        level,
        kind,
        data: data.to_vec(),
    })
}

/// Take ownership of passed descriptors: sockets of a family and type the
/// WIT knows become `HostSocket`s; the rest are closed and counted.
fn adopt_descriptors(data: &[u8], decoded: &mut Decoded) {
    for raw in control::ints(data) {
        // SAFETY: each is a new descriptor the kernel installed for this
        // process with this message; nothing else owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        match adopt_socket(fd) {
            Some(socket) => decoded.sockets.push(socket),
            None => decoded.closed += 1,
        }
    }
}

/// A received descriptor as a guest socket, or `None` (and closed).
pub(crate) fn adopt_socket(fd: OwnedFd) -> Option<HostSocket> {
    let socket = Socket::from(fd);
    let family = match get_int(&socket, libc::SOL_SOCKET, libc::SO_DOMAIN).ok()? {
        libc::AF_UNIX => Family::Unix,
        libc::AF_INET => Family::Inet,
        libc::AF_INET6 => Family::Inet6,
        _ => return None,
    };
    let sock_type = match get_int(&socket, libc::SOL_SOCKET, libc::SO_TYPE).ok()? {
        libc::SOCK_STREAM => SockType::Stream,
        libc::SOCK_DGRAM => SockType::Dgram,
        libc::SOCK_SEQPACKET => SockType::SeqPacket,
        libc::SOCK_RAW => SockType::Raw,
        _ => return None,
    };
    let bound = socket
        .local_addr()
        .is_ok_and(|name| match name.as_socket() {
            Some(ip) => ip.port() != 0,
            None => !name.is_unnamed(),
        });
    let mut adopted = HostSocket::from_socket(socket, family, sock_type, bound);
    adopted.take_over().ok()?;
    Some(adopted)
}
