//! The message calls of `wasock:sockets/socket`: `send-msg`, `recv-msg`,
//! and the sockets an embedder hands a guest.

use wasmtime::component::Resource;

use crate::bindings::socket::{
    IncomingAncillary, IncomingMessage, Ipv4PacketInfo, Ipv6PacketInfo, OutgoingAncillary,
    RawAncillary,
};
use crate::bindings::types::{Credentials, MessageFlags, SocketAddress};
use crate::core::message::{ControlIn, ControlOut, MAX_CONTROL, adopt_socket};
use crate::core::{HostSocket, SockAddress, SocketError};
use crate::ctx::SocketsCtxView;
use crate::host::convert::{msg_flags, nanos};

type Result<T> = std::result::Result<T, SocketError>;

/// `send-msg`: look up passed sockets, then send.
pub async fn send_msg(
    view: &mut SocketsCtxView<'_>,
    this: Resource<HostSocket>,
    data: Vec<Vec<u8>>,
    ancillary: Vec<OutgoingAncillary>,
    flags: MessageFlags,
    address: Option<SocketAddress>,
) -> Result<u64> {
    // A bad handle traps before any passed socket is looked at.
    view.table.get(&this)?;
    let mut control = Vec::with_capacity(ancillary.len());
    for item in ancillary {
        control.push(match item {
            OutgoingAncillary::Rights(sockets) => ControlOut::Rights(
                sockets
                    .iter()
                    .map(|socket| {
                        let socket = view.table.get(socket)?;
                        // Passed, it may outlive its handles in the kernel.
                        socket.mark_passed();
                        socket
                            .raw_fd()
                            .ok_or_else(|| SocketError::errno(libc::EBADF))
                    })
                    .collect::<Result<_>>()?,
            ),
            OutgoingAncillary::Credentials(c) => ControlOut::Credentials(libc::ucred {
                pid: c.pid,
                uid: c.uid,
                gid: c.gid,
            }),
        });
    }
    let parts: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
    let address = address.map(SockAddress::from);
    let socket = view.table.get_mut(&this)?;
    let sent = socket
        .send_msg(
            &view.ctx.policy,
            &parts,
            &control,
            msg_flags(flags),
            address.as_ref(),
        )
        .await?;
    Ok(sent as u64)
}

/// `recv-msg`: receive, then turn passed sockets into resources within the
/// guest's quota (the rest are closed and `control-truncate` is reported).
pub async fn recv_msg(
    view: &mut SocketsCtxView<'_>,
    this: Resource<HostSocket>,
    max_len: u64,
    max_ancillary: u64,
    flags: MessageFlags,
) -> Result<IncomingMessage> {
    let max_len = view.clamp(max_len);
    let max_control = usize::try_from(max_ancillary)
        .unwrap_or(usize::MAX)
        .min(MAX_CONTROL);
    let received = view
        .table
        .get_mut(&this)?
        .recv_msg(&view.ctx.policy, max_len, max_control, msg_flags(flags))
        .await?;
    let mut flags = message_flags(received.flags);
    let mut ancillary = Vec::with_capacity(received.control.len() + 2);
    let mut passed = Vec::with_capacity(received.sockets.len());
    let mut closed = received.closed_descriptors;
    for socket in received.sockets {
        view.ctx.reclaim(&socket);
        let kind = (socket.family(), socket.sock_type(), socket.protocol());
        if view
            .ctx
            .policy
            .check_socket(kind.0, kind.1, kind.2)
            .is_err()
        {
            // A socket this guest could not make (MPTCP, raw without the
            // grant) is closed like any other descriptor it cannot use.
            closed += 1;
            continue;
        }
        let charge = socket.charge().map_or(0, |charge| charge.buffer_bytes());
        if view.ctx.reserve_new(1, charge, false).is_ok() {
            passed.push(view.adopt(socket)?);
        } else {
            // Linux too discards descriptors it has no room for.
            flags |= MessageFlags::CONTROL_TRUNCATE;
        }
    }
    if !passed.is_empty() {
        ancillary.push(IncomingAncillary::Rights(passed));
    }
    if closed > 0 {
        ancillary.push(IncomingAncillary::ClosedDescriptors(closed));
    }
    ancillary.extend(received.control.into_iter().map(incoming));
    Ok(IncomingMessage {
        data: received.data,
        ancillary,
        flags,
        address: received.address.map(Into::into),
    })
}

/// `take-inherited-sockets`: a descriptor of each socket the embedder
/// handed over, once. Either all of them are taken or, when one cannot be
/// duplicated or they would pass the socket quota, none is and the call
/// can be repeated.
pub fn take_inherited(view: &mut SocketsCtxView<'_>) -> Result<Vec<Resource<HostSocket>>> {
    let mut sockets = Vec::with_capacity(view.ctx.inherited.len());
    for fd in &view.ctx.inherited {
        sockets.extend(adopt_socket(fd.try_clone()?));
    }
    let charges = sockets
        .iter()
        .filter_map(HostSocket::charge)
        .map(|charge| charge.buffer_bytes())
        .sum();
    view.ctx.reserve_sockets(sockets.len())?;
    view.ctx.reserve_buffers(charges)?;
    view.ctx.inherited.clear();
    sockets
        .into_iter()
        .map(|socket| view.adopt(socket))
        .collect()
}

/// A received control message, as WIT.
fn incoming(item: ControlIn) -> IncomingAncillary {
    match item {
        ControlIn::Credentials(c) => IncomingAncillary::Credentials(Credentials {
            pid: c.pid,
            uid: c.uid,
            gid: c.gid,
        }),
        ControlIn::Timestamp(time) => IncomingAncillary::Timestamp(nanos(time)),
        ControlIn::Ipv4PacketInfo {
            interface,
            local,
            destination,
        } => {
            let octets = |ip: std::net::Ipv4Addr| {
                let [a, b, c, d] = ip.octets();
                (a, b, c, d)
            };
            IncomingAncillary::Ipv4PacketInfo(Ipv4PacketInfo {
                interface_index: interface,
                local_address: octets(local),
                destination: octets(destination),
            })
        }
        ControlIn::Ipv6PacketInfo {
            destination,
            interface,
        } => {
            let [a, b, c, d, e, f, g, h] = destination.segments();
            IncomingAncillary::Ipv6PacketInfo(Ipv6PacketInfo {
                destination: (a, b, c, d, e, f, g, h),
                interface_index: interface,
            })
        }
        ControlIn::TypeOfService(tos) => IncomingAncillary::TypeOfService(tos),
        ControlIn::TrafficClass(class) => IncomingAncillary::TrafficClass(class),
        ControlIn::HopLimit(hops) => IncomingAncillary::HopLimit(hops),
        ControlIn::Other { level, kind, data } => {
            IncomingAncillary::Other(RawAncillary { level, kind, data })
        }
    }
}

/// `msg_flags` as WIT message flags.
fn message_flags(bits: libc::c_int) -> MessageFlags {
    [
        (libc::MSG_OOB, MessageFlags::OUT_OF_BAND),
        (libc::MSG_TRUNC, MessageFlags::TRUNCATE),
        (libc::MSG_CTRUNC, MessageFlags::CONTROL_TRUNCATE),
        (libc::MSG_EOR, MessageFlags::END_OF_RECORD),
        (libc::MSG_ERRQUEUE, MessageFlags::ERROR_QUEUE),
    ]
    .into_iter()
    .filter(|(bit, _)| bits & bit != 0)
    .fold(MessageFlags::empty(), |flags, (_, flag)| flags | flag)
}
