//! The buffer a receive lands in.
//!
//! **The guest only ever receives bytes the kernel wrote for it, or
//! zeros.** A receive's result is the first `n` bytes of its buffer, `n`
//! being what the kernel reported, and the kernel does not always write
//! what it reports: `MSG_TRUNC` on a stream socket discards the data and
//! writes nothing, on a datagram socket it reports the datagram's full
//! length. So the buffer is all zeros before every receive, whatever the
//! call and its flags: a reported byte the kernel did not write reads as
//! zero, never as the previous receive of another socket or as host heap.
//!
//! A guest asks for up to the size of its buffer (64 KiB, say) and usually
//! gets far less. Allocating and zeroing the requested length for every
//! call costs more than the data it returns, so the zeroed buffer is kept
//! for the thread: a small receive copies out what arrived and zeroes just
//! those bytes again; a receive of many bytes takes the buffer itself,
//! which costs no copy, and the next receive starts from a new zeroed one.

use std::cell::Cell;
use std::mem::MaybeUninit;

/// Receives of at least this many bytes take the buffer instead of a copy.
const HAND_OVER: usize = 4096;

thread_local! {
    /// The buffer kept between receives on this thread; every byte is zero.
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A zeroed buffer of a receive's requested length, filled from the front.
///
/// Dropping it without [`finish`](Self::finish) (a receive that failed)
/// zeroes what was filled and keeps it for the next receive.
pub(crate) struct RecvBuffer {
    /// All zeros beyond `filled`; at least `len` bytes long.
    bytes: Vec<u8>,
    /// The receive's requested length.
    len: usize,
    /// Bytes counted as received so far, at most `len`.
    filled: usize,
    /// How far any receive into this buffer may have written, including
    /// receives whose data was then dropped: what is zeroed again.
    dirty: usize,
}

impl RecvBuffer {
    /// A zeroed buffer for a receive of up to `len` bytes.
    pub(crate) fn new(len: usize) -> RecvBuffer {
        let mut bytes = SPARE.take();
        if bytes.len() < len {
            // The kept bytes are zeros already; only the new ones are set.
            bytes.resize(len, 0);
        }
        RecvBuffer {
            bytes,
            len,
            filled: 0,
            dirty: 0,
        }
    }

    /// Where the next receive writes: the bytes after those received so
    /// far, up to the requested length. All zeros.
    pub(crate) fn unfilled(&mut self) -> &mut [u8] {
        &mut self.bytes[self.filled..self.len]
    }

    /// Count `reported` more bytes as received: what the kernel returned,
    /// which with `MSG_TRUNC` may exceed what it wrote or what fits.
    pub(crate) fn advance(&mut self, reported: usize) {
        self.filled += reported.min(self.len - self.filled);
        self.dirty = self.dirty.max(self.filled);
    }

    /// Note a receive into [`unfilled`](Self::unfilled) whose data is
    /// dropped (a datagram from a denied source): it is not counted, and
    /// the bytes it wrote are zeroed again like the rest. The next receive
    /// overwrites them, and only what that one reports is counted.
    pub(crate) fn discard(&mut self, reported: usize) {
        let written = self.filled + reported.min(self.len - self.filled);
        self.dirty = self.dirty.max(written);
    }

    /// Bytes received so far.
    pub(crate) fn filled(&self) -> usize {
        self.filled
    }

    /// Whether the requested length has been received.
    pub(crate) fn is_full(&self) -> bool {
        self.filled == self.len
    }

    /// The received bytes: a copy when they are few, and the buffer is
    /// kept for the next receive; otherwise the buffer itself.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        if self.filled >= HAND_OVER {
            // Beyond `filled`, a dropped datagram may have left bytes.
            bytes[self.filled..self.dirty].fill(0);
            bytes.truncate(self.filled);
            return bytes;
        }
        let received = bytes[..self.filled].to_vec();
        self.bytes = bytes;
        received
    }
}

impl Drop for RecvBuffer {
    fn drop(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        self.bytes[..self.dirty].fill(0);
        SPARE.set(std::mem::take(&mut self.bytes));
    }
}

/// `buf` as the `MaybeUninit` slice socket2's receives take. The receive
/// then reads only initialised bytes, whatever the kernel reports.
pub(crate) fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`. The slice is only
    // handed to a receive system call, which writes initialised bytes;
    // nothing writes `MaybeUninit::uninit()` into it, so `buf` stays
    // initialised for its owner.
    unsafe { &mut *(std::ptr::from_mut(buf) as *mut [MaybeUninit<u8>]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(buffer: &mut RecvBuffer, data: &[u8]) {
        buffer.unfilled()[..data.len()].copy_from_slice(data);
        buffer.advance(data.len());
    }

    #[test]
    fn small_receives_reuse_the_buffer_and_large_ones_take_it() {
        let mut buffer = RecvBuffer::new(65536);
        let kept = buffer.bytes.as_ptr();
        receive(&mut buffer, b"ping");
        assert_eq!(buffer.finish(), b"ping");

        let mut buffer = RecvBuffer::new(100);
        assert_eq!(buffer.bytes.as_ptr(), kept, "the kept buffer is used again");
        receive(&mut buffer, &[7; HAND_OVER][..100]);
        buffer.advance(HAND_OVER);
        assert_eq!(buffer.filled(), 100, "no more than requested");
        assert!(buffer.is_full());
        drop(buffer);

        let mut buffer = RecvBuffer::new(HAND_OVER);
        receive(&mut buffer, &[7; HAND_OVER]);
        let large = buffer.finish();
        assert_eq!((large.as_ptr(), large.len()), (kept, HAND_OVER));

        let buffer = RecvBuffer::new(10);
        assert_ne!(
            buffer.bytes.as_ptr(),
            kept,
            "a handed-over buffer is not kept"
        );
    }

    /// A receive whose kernel reports more than it wrote (`MSG_TRUNC` on a
    /// stream) reads zeros, never what an earlier receive left.
    #[test]
    fn bytes_reported_but_not_written_read_as_zeros() {
        let mut buffer = RecvBuffer::new(3000);
        receive(&mut buffer, &[b'S'; 3000]);
        assert_eq!(buffer.finish(), [b'S'; 3000]);

        let mut buffer = RecvBuffer::new(65536);
        buffer.advance(100);
        assert_eq!(buffer.finish(), [0; 100]);

        let mut failed = RecvBuffer::new(3000);
        receive(&mut failed, &[b'S'; 2000]);
        drop(failed);
        let mut dropped = RecvBuffer::new(3000);
        dropped.unfilled()[..2500].fill(b'D');
        dropped.discard(2500);
        receive(&mut dropped, b"ok");
        assert_eq!(dropped.finish(), b"ok");
        let mut buffer = RecvBuffer::new(3000);
        buffer.advance(3000);
        assert_eq!(buffer.finish(), [0; 3000]);
    }
}
