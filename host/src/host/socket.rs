//! `wasock:sockets/socket`: the `socket` resource, `create-socket` and `poll`.

use std::os::fd::AsFd;

use wasmtime::component::Resource;

use crate::bindings::socket::{self, IncomingMessage, OptionName, OutgoingAncillary, SocketOption};
use crate::bindings::types::{
    AddressFamily, Duration, MessageFlags, PollEvents, Protocol, ShutdownHow, SocketAddress,
    SocketType,
};
use crate::core::buffer_charge::{self, BufferSide};
use crate::core::poll::{self, PollTarget};
use crate::core::{HostSocket, SocketError};
use crate::ctx::SocketsCtxView;
use crate::host::convert::{duration, msg_flags, nanos, poll_bits, poll_events};
use crate::host::quota::BufferPlan;
use crate::host::{message, options};

type Result<T> = std::result::Result<T, SocketError>;

impl socket::Host for SocketsCtxView<'_> {
    async fn create_socket(
        &mut self,
        family: AddressFamily,
        sock_type: SocketType,
        protocol: Protocol,
    ) -> Result<Resource<HostSocket>> {
        let (family, sock_type) = (family.into(), sock_type.into());
        let charge = HostSocket::new_charge(family, sock_type);
        let tuned = buffer_charge::tuned(family, sock_type);
        let fix = self.ctx.reserve_new(1, charge, tuned)?;
        self.ctx.policy.check_socket(family, sock_type, protocol)?;
        let mut socket = HostSocket::new(family, sock_type, protocol)?;
        if fix == BufferPlan::Fixed {
            socket.fix_buffers()?;
        }
        self.adopt(socket)
    }

    async fn socketpair(
        &mut self,
        family: AddressFamily,
        sock_type: SocketType,
        protocol: Protocol,
    ) -> Result<(Resource<HostSocket>, Resource<HostSocket>)> {
        let (family, sock_type) = (family.into(), sock_type.into());
        self.ctx
            .reserve_new(2, HostSocket::new_charge(family, sock_type), false)?;
        self.ctx.policy.check_socket(family, sock_type, protocol)?;
        let (a, b) = HostSocket::pair(family, sock_type, protocol)?;
        Ok((self.adopt(a)?, self.adopt(b)?))
    }

    async fn take_inherited_sockets(&mut self) -> Result<Vec<Resource<HostSocket>>> {
        self.ctx.reserve_sockets(self.ctx.inherited.len())?;
        message::take_inherited(self)
    }

    async fn poll(
        &mut self,
        targets: Vec<(Resource<HostSocket>, PollEvents)>,
        timeout: Option<Duration>,
    ) -> Result<Vec<(u32, PollEvents)>> {
        self.check_poll_targets(targets.len())?;
        let targets = targets
            .iter()
            .map(|(socket, events)| {
                Ok(PollTarget {
                    fd: self.table.get(socket)?.os_socket().ok().map(AsFd::as_fd),
                    events: poll_bits(*events),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ready = poll::poll(&targets, timeout.map(duration)).await?;
        Ok(ready
            .into_iter()
            .map(|(index, revents)| (index, poll_events(revents)))
            .collect())
    }

    async fn create_poller(&mut self) -> Result<Resource<crate::core::poller::Poller>> {
        self.ctx.reserve_sockets(1)?;
        crate::host::poller::create(self)
    }
}

impl socket::HostSocket for SocketsCtxView<'_> {
    async fn family(&mut self, this: Resource<HostSocket>) -> wasmtime::Result<AddressFamily> {
        Ok(self.table.get(&this)?.family().into())
    }

    async fn type_(&mut self, this: Resource<HostSocket>) -> wasmtime::Result<SocketType> {
        Ok(self.table.get(&this)?.sock_type().into())
    }

    async fn protocol(&mut self, this: Resource<HostSocket>) -> wasmtime::Result<Protocol> {
        Ok(self.table.get(&this)?.protocol())
    }

    async fn dup(&mut self, this: Resource<HostSocket>) -> Result<Resource<HostSocket>> {
        // A bad handle traps even when the quota is reached.
        let socket = self.table.get(&this)?;
        self.ctx.reserve_sockets(1)?;
        let dup = socket.dup()?;
        self.adopt(dup)
    }

    async fn bind(&mut self, this: Resource<HostSocket>, address: SocketAddress) -> Result<()> {
        let socket = self.table.get_mut(&this)?;
        socket.bind(&self.ctx.policy, &address.into())
    }

    async fn listen(&mut self, this: Resource<HostSocket>, backlog: u32) -> Result<()> {
        let socket = self.table.get_mut(&this)?;
        let held = socket.charge().map_or(0, |charge| charge.queue_places());
        let backlog = self.ctx.fit_backlog(backlog, held)?;
        socket.listen(&self.ctx.policy, backlog)?;
        self.ctx.requeued(socket, held);
        Ok(())
    }

    async fn accept(
        &mut self,
        this: Resource<HostSocket>,
    ) -> Result<(Resource<HostSocket>, SocketAddress)> {
        // A bad handle traps even when the quota is reached.
        let listener = self.table.get(&this)?;
        let charge = listener.charge().map_or(0, |charge| charge.buffer_bytes());
        if self.ctx.reserve_sockets(1).is_err() {
            // The connection comes out of the accept queue: its place moves
            // from the queue's to the accepted socket.
            let listener = self.table.get_mut(&this)?;
            let held = listener.charge().map_or(0, |charge| charge.queue_places());
            if held > 1 {
                listener.set_backlog((held - 2) as u32)?;
                self.ctx.requeued(listener, held);
            }
        }
        let listener = self.table.get(&this)?;
        let plan = self.ctx.reserve_new(1, charge, listener.buffers_tuned())?;
        let (mut accepted, peer) = self.table.get_mut(&this)?.accept(&self.ctx.policy).await?;
        if plan == BufferPlan::Fixed {
            accepted.fix_buffers()?;
        }
        Ok((self.adopt(accepted)?, peer.into()))
    }

    async fn connect(&mut self, this: Resource<HostSocket>, address: SocketAddress) -> Result<()> {
        let socket = self.table.get_mut(&this)?;
        socket.connect(&self.ctx.policy, &address.into()).await
    }

    async fn send(
        &mut self,
        this: Resource<HostSocket>,
        data: Vec<u8>,
        flags: MessageFlags,
    ) -> Result<u64> {
        let len = data.len().min(self.ctx.limits.max_bytes_per_call);
        let socket = self.table.get_mut(&this)?;
        Ok(socket.send(&data[..len], msg_flags(flags)).await? as u64)
    }

    async fn send_all(
        &mut self,
        this: Resource<HostSocket>,
        data: Vec<u8>,
        flags: MessageFlags,
    ) -> Result<()> {
        self.table
            .get_mut(&this)?
            .send_all(&data, msg_flags(flags))
            .await
    }

    async fn send_to(
        &mut self,
        this: Resource<HostSocket>,
        data: Vec<u8>,
        flags: MessageFlags,
        address: SocketAddress,
    ) -> Result<u64> {
        let socket = self.table.get_mut(&this)?;
        let sent = socket
            .send_to(&self.ctx.policy, &data, msg_flags(flags), &address.into())
            .await?;
        Ok(sent as u64)
    }

    async fn recv(
        &mut self,
        this: Resource<HostSocket>,
        max_len: u64,
        flags: MessageFlags,
    ) -> Result<Vec<u8>> {
        let max_len = self.clamp(max_len);
        self.table
            .get_mut(&this)?
            .recv(&self.ctx.policy, max_len, msg_flags(flags))
            .await
    }

    async fn recv_from(
        &mut self,
        this: Resource<HostSocket>,
        max_len: u64,
        flags: MessageFlags,
    ) -> Result<(Vec<u8>, SocketAddress)> {
        let max_len = self.clamp(max_len);
        let (data, from) = self
            .table
            .get_mut(&this)?
            .recv_from(&self.ctx.policy, max_len, msg_flags(flags))
            .await?;
        Ok((data, from.into()))
    }

    async fn send_msg(
        &mut self,
        this: Resource<HostSocket>,
        data: Vec<Vec<u8>>,
        ancillary: Vec<OutgoingAncillary>,
        flags: MessageFlags,
        address: Option<SocketAddress>,
    ) -> Result<u64> {
        message::send_msg(self, this, data, ancillary, flags, address).await
    }

    async fn recv_msg(
        &mut self,
        this: Resource<HostSocket>,
        max_len: u64,
        max_ancillary: u64,
        flags: MessageFlags,
    ) -> Result<IncomingMessage> {
        message::recv_msg(self, this, max_len, max_ancillary, flags).await
    }

    async fn shutdown(&mut self, this: Resource<HostSocket>, how: ShutdownHow) -> Result<()> {
        self.table.get(&this)?.shutdown(how.into())
    }

    async fn close(&mut self, this: Resource<HostSocket>) -> Result<()> {
        let socket = self.table.get_mut(&this)?;
        socket.linger_before_close().await;
        self.ctx.release(socket);
        socket.close();
        Ok(())
    }

    async fn local_address(&mut self, this: Resource<HostSocket>) -> Result<SocketAddress> {
        Ok(self
            .table
            .get(&this)?
            .local_address(&self.ctx.policy)?
            .into())
    }

    async fn remote_address(&mut self, this: Resource<HostSocket>) -> Result<SocketAddress> {
        Ok(self
            .table
            .get(&this)?
            .remote_address(&self.ctx.policy)?
            .into())
    }

    async fn set_timeout(
        &mut self,
        this: Resource<HostSocket>,
        timeout: Option<Duration>,
    ) -> wasmtime::Result<()> {
        self.table
            .get_mut(&this)?
            .set_timeout(timeout.map(duration));
        Ok(())
    }

    async fn timeout(&mut self, this: Resource<HostSocket>) -> wasmtime::Result<Option<Duration>> {
        Ok(self.table.get(&this)?.timeout().map(nanos))
    }

    async fn set_option(&mut self, this: Resource<HostSocket>, value: SocketOption) -> Result<()> {
        let socket = self.table.get_mut(&this)?;
        let resized = match value {
            SocketOption::SendBufferSize(size) => Some((BufferSide::Send, size)),
            SocketOption::ReceiveBufferSize(size) => Some((BufferSide::Receive, size)),
            _ => None,
        };
        let charged = socket.charge().map_or(0, |charge| charge.buffer_bytes());
        if let Some((side, size)) = resized {
            let asked = socket.buffer_charge_after(side, size)?;
            self.ctx.reserve_buffers(asked.saturating_sub(charged))?;
        }
        options::set(&self.ctx.policy, socket, value)?;
        if let Some((side, _)) = resized {
            socket.note_buffers_set(Some(side))?;
            self.ctx.recharged(socket, charged);
        }
        Ok(())
    }

    async fn get_option(
        &mut self,
        this: Resource<HostSocket>,
        name: OptionName,
    ) -> Result<SocketOption> {
        options::get(self.table.get(&this)?, name)
    }

    async fn drop(&mut self, this: Resource<HostSocket>) -> wasmtime::Result<()> {
        let mut socket = self.table.delete(this)?;
        self.ctx.release(&mut socket);
        Ok(())
    }
}
