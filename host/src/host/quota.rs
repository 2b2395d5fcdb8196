//! The guest's quotas as its calls use them: sockets alive in the kernel,
//! socket-buffer bytes, bytes per call and poll targets.
//!
//! A socket counts from the moment it is made until the kernel releases
//! it. Usually that is when the guest drops or closes its last handle; a
//! socket the guest passed in an `SCM_RIGHTS` message may outlive its
//! handles in the kernel, and stays charged until it is gone (see
//! `core::in_flight`).

use wasmtime::component::Resource;

use crate::core::buffer_charge;
use crate::core::{HostSocket, SocketError};
use crate::ctx::{SocketsCtx, SocketsCtxView};

type Result<T> = std::result::Result<T, SocketError>;

/// How a new socket's buffers fit the guest's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferPlan {
    /// As charged: the budget has room for what they may grow to.
    AsCharged,
    /// Fixed at the TCP defaults, for which the budget has room.
    Fixed,
}

impl SocketsCtxView<'_> {
    /// Put a socket in the table and count it; its buffers are charged when
    /// it is a new kernel socket rather than a duplicate.
    pub(crate) fn adopt(&mut self, socket: HostSocket) -> Result<Resource<HostSocket>> {
        let charge = socket
            .charge()
            .filter(|charge| std::sync::Arc::strong_count(charge) == 1)
            .map_or(0, |charge| charge.buffer_bytes());
        let resource = self.table.push(socket)?;
        self.ctx.open_sockets += 1;
        self.ctx.buffer_bytes += charge;
        Ok(resource)
    }

    /// Put a poller (which holds a descriptor too) in the table and count
    /// it as a socket.
    pub(crate) fn adopt_poller<T: Send + 'static>(&mut self, poller: T) -> Result<Resource<T>> {
        let resource = self.table.push(poller)?;
        self.ctx.open_sockets += 1;
        Ok(resource)
    }

    /// A poller's place is given back.
    pub(crate) fn release_poller(&mut self) {
        self.ctx.open_sockets -= 1;
    }

    /// Clamp a requested length to the per-call byte limit.
    pub(crate) fn clamp(&self, len: u64) -> usize {
        usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(self.ctx.limits.max_bytes_per_call)
    }

    /// Fail with `EINVAL` when a poll names more sockets than the guest's
    /// limit.
    pub(crate) fn check_poll_targets(&self, count: usize) -> Result<()> {
        let limit = self.ctx.limits.max_poll_targets;
        if count > limit {
            return Err(SocketError::with_message(
                libc::EINVAL,
                format!("poll of {count} sockets exceeds the guest's limit of {limit}"),
            ));
        }
        Ok(())
    }
}

/// How a quota message mentions sockets kept alive in flight.
fn in_flight_note(in_flight: usize) -> String {
    match in_flight {
        0 => String::new(),
        n => format!(" ({n} of them passed away in messages that no one has received yet)"),
    }
}

impl SocketsCtx {
    /// Fail with `EMFILE` unless `count` more sockets fit the guest's quota.
    pub(crate) fn reserve_sockets(&mut self, count: usize) -> Result<()> {
        let limit = self.limits.max_sockets;
        let fits = |ctx: &SocketsCtx| ctx.open_sockets + ctx.in_flight.sockets() + count <= limit;
        if !fits(self) {
            self.in_flight.refresh();
        }
        if !fits(self) {
            return Err(SocketError::with_message(
                libc::EMFILE,
                format!(
                    "the guest's limit of {limit} open sockets is reached{}",
                    in_flight_note(self.in_flight.sockets())
                ),
            ));
        }
        Ok(())
    }

    /// Fail with `ENOBUFS` unless `bytes` more socket-buffer memory fits
    /// the guest's budget.
    pub(crate) fn reserve_buffers(&mut self, bytes: usize) -> Result<()> {
        let limit = self.limits.max_buffer_bytes;
        let fits = |ctx: &SocketsCtx| {
            ctx.buffer_bytes
                .saturating_add(ctx.in_flight.buffer_bytes())
                .saturating_add(bytes)
                <= limit
        };
        if !fits(self) {
            self.in_flight.refresh();
        }
        if !fits(self) {
            return Err(SocketError::with_message(
                libc::ENOBUFS,
                format!(
                    "the guest's socket-buffer budget of {limit} bytes is reached{}",
                    in_flight_note(self.in_flight.sockets())
                ),
            ));
        }
        Ok(())
    }

    /// Reserve places and buffers for `count` new sockets charged
    /// `buffer_bytes` each. When the budget has no room for that and the
    /// kernel would tune their buffers (`tunable`, TCP), room for them
    /// with their buffers fixed at the TCP defaults: the caller fixes them.
    pub(crate) fn reserve_new(
        &mut self,
        count: usize,
        buffer_bytes: usize,
        tunable: bool,
    ) -> Result<BufferPlan> {
        self.reserve_sockets(count)?;
        match self.reserve_buffers(buffer_bytes.saturating_mul(count)) {
            Ok(()) => Ok(BufferPlan::AsCharged),
            Err(_) if tunable => {
                self.reserve_buffers(buffer_charge::fixed_charge().saturating_mul(count))?;
                Ok(BufferPlan::Fixed)
            }
            Err(error) => Err(error),
        }
    }

    /// Give back a socket handle's place before its descriptor closes
    /// (`close`, or the handle's drop). When it was the last handle of a
    /// socket the guest passed to someone, the socket stays charged for as
    /// long as the kernel keeps it alive.
    pub(crate) fn release(&mut self, socket: &mut HostSocket) {
        if socket.raw_fd().is_none() {
            return;
        }
        self.open_sockets -= 1;
        let Some(charge) = socket.release_charge() else {
            return;
        };
        self.buffer_bytes -= charge.buffer_bytes();
        if charge.was_passed()
            && let Ok(os) = socket.os_socket()
        {
            self.in_flight.keep(os, charge.buffer_bytes());
        }
    }

    /// A socket received back that the guest had passed away and let go
    /// of is a handle again, no longer charged as in flight.
    pub(crate) fn reclaim(&mut self, socket: &HostSocket) {
        if let Ok(os) = socket.os_socket() {
            self.in_flight.reclaim(os);
        }
    }

    /// Account for a socket charged anew (its buffer sizes were set); it
    /// was charged `before`.
    pub(crate) fn recharged(&mut self, socket: &HostSocket, before: usize) {
        if let Some(charge) = socket.charge() {
            self.buffer_bytes = self.buffer_bytes - before + charge.buffer_bytes();
        }
    }
}
