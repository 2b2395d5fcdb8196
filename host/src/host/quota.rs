//! The guest's quotas as its calls use them: sockets alive in the kernel,
//! socket-buffer bytes, bytes per call and poll targets.
//!
//! A socket counts from the moment it is made until the kernel releases
//! it. Usually that is when the guest drops or closes its last handle; a
//! socket the guest passed in an `SCM_RIGHTS` message may outlive its
//! handles in the kernel, and stays charged until it is gone (see
//! `core::in_flight`).
//!
//! The counts only ever meet what was added to them, but they are updated
//! with saturating arithmetic all the same: a miscount must never become a
//! panic on the host's thread.

use wasmtime::component::Resource;

use crate::core::buffer_charge;
use crate::core::in_flight::Kept;
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
        let queue = socket
            .charge()
            .filter(|charge| std::sync::Arc::strong_count(charge) == 1)
            .map_or(0, |charge| charge.queue_places());
        let resource = self.table.push(socket)?;
        self.ctx.open_sockets += 1;
        self.ctx.buffer_bytes += charge;
        self.ctx.queued += queue;
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
        self.ctx.open_sockets = self.ctx.open_sockets.saturating_sub(1);
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
    /// Places in the socket quota in use: handles, accept queues, and
    /// sockets let go of that the kernel may keep alive.
    fn sockets_used(&self) -> usize {
        self.open_sockets + self.queued + self.in_flight.sockets()
    }

    /// Whether `fits` holds, once more after forgetting what the kernel
    /// has released since the last look (only then is the ledger read).
    fn fits_after_refresh(&mut self, fits: impl Fn(&SocketsCtx) -> bool) -> bool {
        if fits(self) {
            return true;
        }
        self.in_flight.refresh();
        fits(self)
    }

    /// Fail with `EMFILE` unless `count` more sockets fit the guest's quota.
    pub(crate) fn reserve_sockets(&mut self, count: usize) -> Result<()> {
        let limit = self.limits.max_sockets;
        if !self.fits_after_refresh(|ctx| ctx.sockets_used() + count <= limit) {
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
        if !self.fits_after_refresh(|ctx| ctx.buffer_bytes().saturating_add(bytes) <= limit) {
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
    /// `buffer_bytes` each. Sockets whose buffers the kernel would tune
    /// (`tunable`, TCP) are charged that only while the budget stays half
    /// free; otherwise room for them with their buffers fixed at the TCP
    /// defaults, and the caller fixes them.
    pub(crate) fn reserve_new(
        &mut self,
        count: usize,
        buffer_bytes: usize,
        tunable: bool,
    ) -> Result<BufferPlan> {
        self.reserve_sockets(count)?;
        let bytes = buffer_bytes.saturating_mul(count);
        if !tunable {
            self.reserve_buffers(bytes)?;
            return Ok(BufferPlan::AsCharged);
        }
        // Buffers the kernel tunes take at most half the budget, so that
        // a few of them at their maxima leave room for many fixed ones.
        let half = self.limits.max_buffer_bytes / 2;
        if self.fits_after_refresh(|ctx| ctx.buffer_bytes().saturating_add(bytes) <= half) {
            return Ok(BufferPlan::AsCharged);
        }
        self.reserve_buffers(buffer_charge::fixed_charge().saturating_mul(count))?;
        Ok(BufferPlan::Fixed)
    }

    /// Give back a socket handle's place before its descriptor closes
    /// (`close`, or the handle's drop). When it was the last handle of a
    /// socket the guest passed to someone, the socket stays charged for as
    /// long as the kernel keeps it alive.
    pub(crate) fn release(&mut self, socket: &mut HostSocket) {
        if socket.raw_fd().is_none() {
            return;
        }
        self.open_sockets = self.open_sockets.saturating_sub(1);
        let Some(charge) = socket.release_charge() else {
            return;
        };
        self.buffer_bytes = self.buffer_bytes.saturating_sub(charge.buffer_bytes());
        self.queued = self.queued.saturating_sub(charge.queue_places());
        let kept = Kept {
            places: 1 + charge.queue_places(),
            buffer_bytes: charge.buffer_bytes(),
        };
        if charge.was_passed()
            && let Ok(os) = socket.os_socket()
        {
            self.in_flight.keep(os, kept);
        } else if let Some(os) = socket.take_draining() {
            self.in_flight.drain(os, kept);
        }
    }

    /// The backlog a `listen` of `backlog` gets: connections waiting in an
    /// accept queue are sockets alive in the kernel, so the queue
    /// (`backlog + 1` of them) takes places in the quota, and is made no
    /// longer than half the places free (the listener already holds
    /// `held`).
    /// With none free, `EMFILE`.
    pub(crate) fn fit_backlog(&mut self, backlog: u32, held: usize) -> Result<u32> {
        self.in_flight.refresh();
        let used = self.sockets_used().saturating_sub(held);
        let free = self.limits.max_sockets.saturating_sub(used);
        if free == 0 {
            return Err(SocketError::with_message(
                libc::EMFILE,
                format!(
                    "the guest's limit of {} open sockets leaves no place for connections waiting to be accepted",
                    self.limits.max_sockets
                ),
            ));
        }
        // Half of what is free, so that a long backlog leaves places for
        // the guest's other sockets; accepting takes places back from the
        // queue when none are free (see `accept`).
        let share = (free - 1) / 2;
        Ok(backlog.min(u32::try_from(share).unwrap_or(u32::MAX)))
    }

    /// Account for a listener's accept queue resized; it held `before`
    /// places.
    pub(crate) fn requeued(&mut self, socket: &HostSocket, before: usize) {
        let now = socket.charge().map_or(0, |charge| charge.queue_places());
        self.queued = self.queued.saturating_sub(before) + now;
    }

    /// A socket received back that the guest had passed away and let go
    /// of is a handle again, no longer charged as in flight.
    pub(crate) fn reclaim(&mut self, socket: &HostSocket) {
        let Ok(os) = socket.os_socket() else { return };
        if let Some(kept) = self.in_flight.reclaim(os) {
            // Another message may still hold it: when this handle goes,
            // it is kept in flight again. Its accept queue comes with it.
            socket.mark_passed();
            socket.set_queue_places(kept.places.saturating_sub(1));
        }
    }

    /// Account for a socket charged anew (its buffer sizes were set); it
    /// was charged `before`.
    pub(crate) fn recharged(&mut self, socket: &HostSocket, before: usize) {
        if let Some(charge) = socket.charge() {
            self.buffer_bytes = self.buffer_bytes.saturating_sub(before) + charge.buffer_bytes();
        }
    }
}
