//! The calls whose list arguments a guest can make as large as its memory:
//! the data of `send`, `send-all`, `send-to` and `send-msg`, and the
//! targets of `poll`.
//!
//! The generated bindings copy a whole list into the host before calling
//! the host trait. These definitions replace them in the linker: they take
//! each list as a view of the guest's memory ([`WasmList`]), check its
//! length against the guest's [`Limits`](crate::Limits), copy at most what
//! the limits allow, and then make the call the generated bindings make.
//! `send-all` of more than `max_in_flight_bytes` goes to the kernel in
//! pieces of that size, within one deadline.

use wasmtime::component::{ComponentType, Lift, Linker, LinkerInstance, Resource, WasmList};
use wasmtime::{AsContext, AsContextMut, StoreContextMut};

use crate::bindings::socket::{self, OutgoingAncillary};
use crate::bindings::types::{
    self, Credentials, Duration, Error, MessageFlags, PollEvents, SocketAddress,
};
use crate::core::{HostSocket, SockType, SocketError};
use crate::ctx::{SocketsCtxView, SocketsView};
use crate::host::convert::msg_flags;

/// The interface whose functions are replaced.
const INTERFACE: &str = "wasock:sockets/socket@0.1.0";

/// The most buffers one `send-msg` gathers: Linux's `UIO_MAXIOV`; more
/// fail with `EMSGSIZE`, as `sendmsg(2)` does.
const MAX_BUFFERS: usize = 1024;

/// The most sockets one `rights` item passes: Linux's `SCM_MAX_FD`; more
/// fail with `EINVAL`, as `sendmsg(2)` does.
const MAX_RIGHTS: usize = 253;

/// The most ancillary items one `send-msg` carries; more fail with
/// `ENOBUFS`, as a control buffer larger than `net.core.optmem_max` does.
const MAX_ANCILLARY: usize = 64;

/// What a replaced function returns to the generated glue's caller.
type Reply<T> = wasmtime::Result<(Result<T, Error>,)>;

/// The parameters of `send-msg`, as views of the guest's memory.
type SendMsgParams = (
    Resource<HostSocket>,
    WasmList<WasmList<u8>>,
    WasmList<Ancillary>,
    MessageFlags,
    Option<SocketAddress>,
);

/// `outgoing-ancillary`, with the sockets of `rights` left in the guest's
/// memory until their number is checked.
#[derive(ComponentType, Lift)]
#[component(variant)]
enum Ancillary {
    #[component(name = "rights")]
    Rights(WasmList<Resource<HostSocket>>),
    #[component(name = "credentials")]
    Credentials(Credentials),
}

/// Define the bounded functions over the generated ones.
pub(crate) fn add_to_linker<T: SocketsView + 'static>(
    linker: &mut Linker<T>,
) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let defined = linker
        .instance(INTERFACE)
        .and_then(|mut instance| define(&mut instance));
    linker.allow_shadowing(false);
    defined
}

fn define<T: SocketsView + 'static>(linker: &mut LinkerInstance<'_, T>) -> wasmtime::Result<()> {
    linker.func_wrap_async(
        "[method]socket.send",
        |mut store: StoreContextMut<'_, T>,
         (this, data, flags): (Resource<HostSocket>, WasmList<u8>, MessageFlags)| {
            Box::new(async move {
                let sent = send(&mut store, this, data, flags).await;
                reply(&mut store, sent)
            })
        },
    )?;
    linker.func_wrap_async(
        "[method]socket.send-all",
        |mut store: StoreContextMut<'_, T>,
         (this, data, flags): (Resource<HostSocket>, WasmList<u8>, MessageFlags)| {
            Box::new(async move {
                let sent = send_all(&mut store, this, data, flags).await;
                reply(&mut store, sent)
            })
        },
    )?;
    linker.func_wrap_async(
        "[method]socket.send-to",
        |mut store: StoreContextMut<'_, T>,
         (this, data, flags, address): (
            Resource<HostSocket>,
            WasmList<u8>,
            MessageFlags,
            SocketAddress,
        )| {
            Box::new(async move {
                let sent = send_to(&mut store, this, data, flags, address).await;
                reply(&mut store, sent)
            })
        },
    )?;
    linker.func_wrap_async(
        "[method]socket.send-msg",
        |mut store: StoreContextMut<'_, T>,
         (this, data, ancillary, flags, address): SendMsgParams| {
            Box::new(async move {
                let sent = send_msg(&mut store, this, data, ancillary, flags, address).await;
                reply(&mut store, sent)
            })
        },
    )?;
    linker.func_wrap_async(
        "poll",
        |mut store: StoreContextMut<'_, T>,
         (targets, timeout): (
            WasmList<(Resource<HostSocket>, PollEvents)>,
            Option<Duration>,
        )| {
            Box::new(async move {
                let ready = poll(&mut store, targets, timeout).await;
                reply(&mut store, ready)
            })
        },
    )
}

/// `send`: at most the per-call bytes, copied.
async fn send<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    this: Resource<HostSocket>,
    data: WasmList<u8>,
    flags: MessageFlags,
) -> Result<u64, SocketError> {
    let len = outgoing_len(&store.data_mut().sockets(), &this, data.len())?;
    let bytes = data.as_le_slice(store.as_context())[..len].to_vec();
    socket::HostSocket::send(&mut store.data_mut().sockets(), this, bytes, flags).await
}

/// `send-all`: a stream's data in pieces of `max_in_flight_bytes`, all
/// within the deadline the call started with; a datagram whole, if it is
/// within the limits.
async fn send_all<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    this: Resource<HostSocket>,
    data: WasmList<u8>,
    flags: MessageFlags,
) -> Result<(), SocketError> {
    let (stream, piece, wait) = {
        let view = store.data_mut().sockets();
        let socket = view.table.get(&this)?;
        (
            socket.sock_type() == SockType::Stream,
            view.ctx.limits.max_in_flight_bytes.max(1),
            socket.wait_mode(msg_flags(flags)),
        )
    };
    if !stream || data.len() <= piece {
        // A stream within one piece goes out whole; only a datagram, which
        // cannot be split, is held to the per-call limits.
        let len = match stream {
            true => data.len(),
            false => outgoing_len(&store.data_mut().sockets(), &this, data.len())?,
        };
        let bytes = data.as_le_slice(store.as_context())[..len].to_vec();
        let mut view = store.data_mut().sockets();
        return socket::HostSocket::send_all(&mut view, this, bytes, flags).await;
    }
    let mut chunk = Vec::with_capacity(piece);
    for start in (0..data.len()).step_by(piece) {
        let end = data.len().min(start + piece);
        chunk.clear();
        chunk.extend_from_slice(&data.as_le_slice(store.as_context())[start..end]);
        let view = store.data_mut().sockets();
        view.table
            .get_mut(&this)?
            .send_all_within(&chunk, msg_flags(flags), wait)
            .await?;
    }
    Ok(())
}

/// `send-to`: as `send`, to an address.
async fn send_to<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    this: Resource<HostSocket>,
    data: WasmList<u8>,
    flags: MessageFlags,
    address: SocketAddress,
) -> Result<u64, SocketError> {
    let len = outgoing_len(&store.data_mut().sockets(), &this, data.len())?;
    let bytes = data.as_le_slice(store.as_context())[..len].to_vec();
    let mut view = store.data_mut().sockets();
    socket::HostSocket::send_to(&mut view, this, bytes, flags, address).await
}

/// `send-msg`: the buffers' total bounded as one `send`, their number and
/// the ancillary items as Linux bounds them.
async fn send_msg<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    this: Resource<HostSocket>,
    data: WasmList<WasmList<u8>>,
    ancillary: WasmList<Ancillary>,
    flags: MessageFlags,
    address: Option<SocketAddress>,
) -> Result<u64, SocketError> {
    if data.len() > MAX_BUFFERS {
        return Err(SocketError::with_message(
            libc::EMSGSIZE,
            format!("more than {MAX_BUFFERS} buffers in one message"),
        ));
    }
    if ancillary.len() > MAX_ANCILLARY {
        return Err(SocketError::with_message(
            libc::ENOBUFS,
            format!("more than {MAX_ANCILLARY} ancillary items in one message"),
        ));
    }
    let parts = data
        .iter(store.as_context_mut())?
        .collect::<wasmtime::Result<Vec<_>>>()?;
    let total = parts.iter().map(WasmList::len).sum();
    let mut left = outgoing_len(&store.data_mut().sockets(), &this, total)?;
    let mut buffers = Vec::with_capacity(parts.len());
    for part in &parts {
        let take = part.len().min(left);
        buffers.push(part.as_le_slice(store.as_context())[..take].to_vec());
        left -= take;
    }
    let ancillary = lift_ancillary(store, &ancillary)?;
    let mut view = store.data_mut().sockets();
    socket::HostSocket::send_msg(&mut view, this, buffers, ancillary, flags, address).await
}

/// The ancillary items of a `send-msg`, each `rights` list checked before
/// its handles are read.
fn lift_ancillary<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    ancillary: &WasmList<Ancillary>,
) -> Result<Vec<OutgoingAncillary>, SocketError> {
    let items = ancillary
        .iter(store.as_context_mut())?
        .collect::<wasmtime::Result<Vec<_>>>()?;
    let mut lifted = Vec::with_capacity(items.len());
    for item in items {
        lifted.push(match item {
            Ancillary::Credentials(credentials) => OutgoingAncillary::Credentials(credentials),
            Ancillary::Rights(sockets) if sockets.len() > MAX_RIGHTS => {
                return Err(SocketError::with_message(
                    libc::EINVAL,
                    format!("more than {MAX_RIGHTS} sockets passed in one item"),
                ));
            }
            Ancillary::Rights(sockets) => OutgoingAncillary::Rights(
                sockets
                    .iter(store.as_context_mut())?
                    .collect::<wasmtime::Result<_>>()?,
            ),
        });
    }
    Ok(lifted)
}

/// `poll`: the number of targets checked before the list is read.
async fn poll<T: SocketsView>(
    store: &mut StoreContextMut<'_, T>,
    targets: WasmList<(Resource<HostSocket>, PollEvents)>,
    timeout: Option<Duration>,
) -> Result<Vec<(u32, PollEvents)>, SocketError> {
    store
        .data_mut()
        .sockets()
        .check_poll_targets(targets.len())?;
    let targets = targets
        .iter(store.as_context_mut())?
        .collect::<wasmtime::Result<Vec<_>>>()?;
    socket::Host::poll(&mut store.data_mut().sockets(), targets, timeout).await
}

/// How many of `len` outgoing bytes one call takes: all of them within the
/// limits; beyond them, as much as the limits allow on a stream, and
/// `EMSGSIZE` for a datagram, which cannot be split.
fn outgoing_len(
    view: &SocketsCtxView<'_>,
    this: &Resource<HostSocket>,
    len: usize,
) -> Result<usize, SocketError> {
    let limits = &view.ctx.limits;
    let limit = limits.max_bytes_per_call.min(limits.max_in_flight_bytes);
    if len <= limit {
        return Ok(len);
    }
    match view.table.get(this)?.sock_type() {
        SockType::Stream => Ok(limit),
        SockType::Dgram | SockType::SeqPacket | SockType::Raw => Err(SocketError::with_message(
            libc::EMSGSIZE,
            format!("a message of {len} bytes exceeds the guest's limit of {limit} bytes per call"),
        )),
    }
}

/// A core result as the generated glue returns it: an error becomes the
/// WIT error, a trap stays a trap.
fn reply<T: SocketsView, R>(
    store: &mut StoreContextMut<'_, T>,
    result: Result<R, SocketError>,
) -> Reply<R> {
    Ok((match result {
        Ok(value) => Ok(value),
        Err(error) => Err(types::Host::convert_error(
            &mut store.data_mut().sockets(),
            error,
        )?),
    },))
}
