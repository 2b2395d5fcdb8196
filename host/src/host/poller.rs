//! `wasock:sockets/socket`: the `poller` resource and `create-poller`.

use wasmtime::component::Resource;

use crate::bindings::socket;
use crate::bindings::types::{Duration, PollEvents};
use crate::core::poller::Poller;
use crate::core::{HostSocket, SocketError};
use crate::ctx::SocketsCtxView;
use crate::host::convert::{duration, poll_bits, poll_events};

type Result<T> = std::result::Result<T, SocketError>;

/// `create-poller`, once the caller has checked the socket quota: a poller
/// holds a descriptor, so it counts as an open socket until dropped.
pub(crate) fn create(view: &mut SocketsCtxView<'_>) -> Result<Resource<Poller>> {
    let poller = Poller::new(view.ctx.limits.max_poll_targets)?;
    view.adopt_poller(poller)
}

impl socket::HostPoller for SocketsCtxView<'_> {
    async fn register(
        &mut self,
        this: Resource<Poller>,
        socket: Resource<HostSocket>,
        key: u64,
        interest: PollEvents,
        edge_triggered: bool,
    ) -> Result<()> {
        let fd = self.table.get(&socket)?.raw_fd();
        self.table
            .get_mut(&this)?
            .register(fd, key, poll_bits(interest), edge_triggered)
    }

    async fn modify(
        &mut self,
        this: Resource<Poller>,
        socket: Resource<HostSocket>,
        key: u64,
        interest: PollEvents,
        edge_triggered: bool,
    ) -> Result<()> {
        let fd = self.table.get(&socket)?.raw_fd();
        self.table
            .get_mut(&this)?
            .modify(fd, key, poll_bits(interest), edge_triggered)
    }

    async fn deregister(
        &mut self,
        this: Resource<Poller>,
        socket: Resource<HostSocket>,
    ) -> Result<()> {
        let fd = self.table.get(&socket)?.raw_fd();
        self.table.get_mut(&this)?.deregister(fd)
    }

    async fn wait(
        &mut self,
        this: Resource<Poller>,
        max_events: u32,
        timeout: Option<Duration>,
    ) -> Result<Vec<(u64, PollEvents)>> {
        let max_events = usize::try_from(max_events).unwrap_or(usize::MAX);
        let ready = self
            .table
            .get(&this)?
            .wait(max_events, timeout.map(duration))
            .await?;
        Ok(ready
            .into_iter()
            .map(|(key, events)| (key, poll_events(events)))
            .collect())
    }

    async fn drop(&mut self, this: Resource<Poller>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        self.release_poller();
        Ok(())
    }
}
