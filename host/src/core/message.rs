//! `sendmsg(2)` and `recvmsg(2)`: gathered data, ancillary data (control
//! messages) and descriptor passing.
//!
//! Received descriptors arrive with `MSG_CMSG_CLOEXEC` and are wrapped in an
//! owner the moment they are read from the control buffer, so none can leak:
//! sockets become new [`HostSocket`]s, anything else is closed and counted.

use std::io;
use std::mem::size_of;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use socket2::{SockAddr, Socket};
use tokio::io::Interest;

use crate::core::address::SockAddress;
use crate::core::recv_buffer;
use crate::core::socket::{MsgFlags, drop_datagram};
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
        let mut control_buffer = encode_control(control);
        let wait = self.wait_mode(flags);
        self.io(Interest::WRITABLE, wait, |socket| {
            let mut iov: Vec<libc::iovec> = data
                .iter()
                .map(|part| libc::iovec {
                    iov_base: part.as_ptr() as *mut _,
                    iov_len: part.len(),
                })
                .collect();
            // SAFETY: `msghdr` is plain data; all-zero is a valid empty header.
            let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
            if let Some((name, _)) = &destination {
                header.msg_name = name.as_ptr() as *mut _;
                header.msg_namelen = name.len();
            }
            header.msg_iov = iov.as_mut_ptr();
            header.msg_iovlen = iov.len();
            if !control_buffer.is_empty() {
                header.msg_control = control_buffer.as_mut_ptr().cast();
                header.msg_controllen = control_buffer.len() * size_of::<u64>();
            }
            // SAFETY: every pointer in `header` refers to live buffers of the
            // lengths given.
            let sent =
                unsafe { libc::sendmsg(socket.as_raw_fd(), &header, flags | libc::MSG_NOSIGNAL) };
            if sent < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(sent as usize)
            }
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
        let mut data = recv_buffer::take(max_len);
        let mut control_buffer = vec![0u64; max_control.div_ceil(size_of::<u64>())];
        let ((received, msg_flags, control_len), name) = self
            .io(Interest::READABLE, wait, |socket| {
                loop {
                    let control_ptr: *mut libc::c_void = control_buffer.as_mut_ptr().cast();
                    let data_ptr: *mut libc::c_void = data.as_mut_ptr().cast();
                    // SAFETY: `try_init` hands out zeroed address storage of the
                    // length it passes; the iovec and control pointers refer to
                    // live buffers of the lengths given.
                    let received = unsafe {
                        SockAddr::try_init(|storage, name_len| {
                            let mut iov = libc::iovec {
                                iov_base: data_ptr,
                                iov_len: max_len,
                            };
                            let mut header: libc::msghdr = std::mem::zeroed();
                            header.msg_name = storage.cast();
                            header.msg_namelen = *name_len;
                            header.msg_iov = &mut iov;
                            header.msg_iovlen = 1;
                            if max_control > 0 {
                                header.msg_control = control_ptr;
                                header.msg_controllen = max_control;
                            }
                            let received = libc::recvmsg(
                                socket.as_raw_fd(),
                                &mut header,
                                flags | libc::MSG_CMSG_CLOEXEC,
                            );
                            if received < 0 {
                                return Err(io::Error::last_os_error());
                            }
                            *name_len = header.msg_namelen;
                            Ok((received as usize, header.msg_flags, header.msg_controllen))
                        })
                    }?;
                    match received.1.as_socket() {
                        Some(source) if check && !policy.allows_peer(AddrUse::RecvFrom, source) => {
                            // IP datagrams carry no descriptors, so nothing
                            // received with the dropped one needs closing.
                            drop_datagram(socket, flags)?
                        }
                        _ => return Ok(received),
                    }
                }
            })
            .await?;
        // SAFETY: the kernel wrote `received` bytes (with `MSG_TRUNC` it may
        // report more than the buffer holds).
        unsafe { data.set_len(received.min(max_len)) };
        let mut decoded = Decoded::default();
        // SAFETY: the kernel filled `control_len` bytes of control messages.
        unsafe {
            decode_control(
                control_buffer.as_mut_ptr().cast(),
                control_len,
                &mut decoded,
            )
        };
        let address = Some(self.guest_source(policy, &name))
            .filter(|_| name.len() as usize > size_of::<libc::sa_family_t>())
            .filter(|a| *a != SockAddress::Unnamed);
        Ok(Received {
            data: recv_buffer::finish(data),
            control: decoded.control,
            sockets: decoded.sockets,
            closed_descriptors: decoded.closed,
            flags: msg_flags,
            address,
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

/// The control buffer for `control`, 8-byte aligned as `cmsghdr` requires.
fn encode_control(control: &[ControlOut]) -> Vec<u64> {
    let payloads: Vec<(i32, i32, Vec<u8>)> = control
        .iter()
        .map(|item| match item {
            ControlOut::Rights(fds) => (
                libc::SOL_SOCKET,
                libc::SCM_RIGHTS,
                fds.iter().flat_map(|fd| fd.to_ne_bytes()).collect(),
            ),
            ControlOut::Credentials(credentials) => (
                libc::SOL_SOCKET,
                libc::SCM_CREDENTIALS,
                plain_bytes(credentials),
            ),
        })
        .collect();
    // SAFETY: CMSG_SPACE only computes a size.
    let space: usize = payloads
        .iter()
        .map(|(_, _, data)| unsafe { libc::CMSG_SPACE(data.len() as u32) } as usize)
        .sum();
    let mut buffer = vec![0u64; space.div_ceil(size_of::<u64>())];
    if space == 0 {
        return buffer;
    }
    // SAFETY: `msghdr` is plain data.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_control = buffer.as_mut_ptr().cast();
    header.msg_controllen = space;
    // SAFETY: the buffer holds `space` bytes, exactly enough for every
    // message, so each header and payload written below lies inside it.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&header);
        for (level, kind, data) in &payloads {
            (*cmsg).cmsg_level = *level;
            (*cmsg).cmsg_type = *kind;
            (*cmsg).cmsg_len = libc::CMSG_LEN(data.len() as u32) as usize;
            std::ptr::copy_nonoverlapping(data.as_ptr(), libc::CMSG_DATA(cmsg), data.len());
            cmsg = libc::CMSG_NXTHDR(&header, cmsg);
        }
    }
    buffer
}

/// The bytes of a plain C struct.
fn plain_bytes<T: Copy>(value: &T) -> Vec<u8> {
    // SAFETY: `T` is a plain C struct without padding-sensitive invariants;
    // its bytes are read, never reinterpreted.
    unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()) }.to_vec()
}

/// Read a plain C struct from the start of `data`.
fn read_plain<T: Copy>(data: &[u8]) -> Option<T> {
    // SAFETY: the length is checked; `read_unaligned` copes with alignment.
    (data.len() >= size_of::<T>())
        .then(|| unsafe { std::ptr::read_unaligned(data.as_ptr().cast::<T>()) })
}

/// What the control messages of one `recvmsg(2)` carried.
#[derive(Default)]
struct Decoded {
    control: Vec<ControlIn>,
    sockets: Vec<HostSocket>,
    closed: u32,
}

/// Parse the control messages `recvmsg(2)` wrote.
///
/// # Safety
/// `control` must hold `control_len` bytes written by `recvmsg(2)`.
unsafe fn decode_control(control: *mut libc::c_void, control_len: usize, decoded: &mut Decoded) {
    if control_len == 0 {
        return;
    }
    // SAFETY: `msghdr` is plain data; only the control fields are used.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_control = control;
    header.msg_controllen = control_len;
    let header = &header;
    // SAFETY: the caller guarantees a valid control buffer; CMSG_* walk it
    // within `msg_controllen`.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(header);
        while !cmsg.is_null() {
            let payload_len = (*cmsg).cmsg_len - libc::CMSG_LEN(0) as usize;
            let data = std::slice::from_raw_parts(libc::CMSG_DATA(cmsg), payload_len);
            let (level, kind) = ((*cmsg).cmsg_level, (*cmsg).cmsg_type);
            if (level, kind) == (libc::SOL_SOCKET, libc::SCM_RIGHTS) {
                adopt_descriptors(data, decoded);
            } else {
                decoded.control.push(decode_one(level, kind, data));
            }
            cmsg = libc::CMSG_NXTHDR(header, cmsg);
        }
    }
}

fn decode_one(level: i32, kind: i32, data: &[u8]) -> ControlIn {
    let other = || ControlIn::Other {
        level,
        kind,
        data: data.to_vec(),
    };
    match (level, kind) {
        (libc::SOL_SOCKET, libc::SCM_CREDENTIALS) => {
            read_plain(data).map_or_else(other, ControlIn::Credentials)
        }
        (libc::SOL_SOCKET, libc::SCM_TIMESTAMP) => read_plain::<libc::timeval>(data)
            .map_or_else(other, |tv| {
                ControlIn::Timestamp(Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000))
            }),
        (libc::IPPROTO_IP, libc::IP_PKTINFO) => {
            read_plain::<libc::in_pktinfo>(data).map_or_else(other, |info| {
                ControlIn::Ipv4PacketInfo {
                    interface: info.ipi_ifindex as u32,
                    local: Ipv4Addr::from(u32::from_be(info.ipi_spec_dst.s_addr)),
                    destination: Ipv4Addr::from(u32::from_be(info.ipi_addr.s_addr)),
                }
            })
        }
        (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => read_plain::<libc::in6_pktinfo>(data)
            .map_or_else(other, |info| ControlIn::Ipv6PacketInfo {
                destination: Ipv6Addr::from(info.ipi6_addr.s6_addr),
                interface: info.ipi6_ifindex,
            }),
        (libc::IPPROTO_IP, libc::IP_TOS) => data
            .first()
            .map_or_else(other, |tos| ControlIn::TypeOfService(*tos)),
        (libc::IPPROTO_IPV6, libc::IPV6_TCLASS) => {
            read_plain::<i32>(data).map_or_else(other, |class| ControlIn::TrafficClass(class as u8))
        }
        (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => {
            read_plain::<i32>(data).map_or_else(other, |hops| ControlIn::HopLimit(hops as u8))
        }
        _ => other(),
    }
}

/// Take ownership of passed descriptors: sockets of a family and type the
/// WIT knows become `HostSocket`s; the rest are closed and counted.
fn adopt_descriptors(data: &[u8], decoded: &mut Decoded) {
    for chunk in data.chunks_exact(size_of::<RawFd>()) {
        let raw = RawFd::from_ne_bytes(chunk.try_into().expect("chunks are fd-sized"));
        // SAFETY: each is a new descriptor the kernel installed for us.
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
    // Linux keeps O_NONBLOCK on the open file description, which the sender
    // shares: the host's sockets are always non-blocking.
    socket.set_nonblocking(true).ok()?;
    let bound = socket
        .local_addr()
        .is_ok_and(|name| match name.as_socket() {
            Some(ip) => ip.port() != 0,
            None => !name.is_unnamed(),
        });
    Some(HostSocket::from_socket(socket, family, sock_type, bound))
}
