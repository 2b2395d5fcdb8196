//! The buffer a receive lands in.
//!
//! A guest asks for up to the size of its buffer (64 KiB, say) and usually
//! gets far less. Allocating the requested length for every call costs
//! more than the data it returns, and a large request (the per-call limit
//! is 1 MiB) is a fresh allocation of that size each time. So a receive
//! lands in a buffer kept for the thread and only what arrived is copied
//! out; a receive of many bytes takes the buffer itself, which costs no
//! copy, and the next receive allocates a new one.

use std::cell::Cell;

/// Receives of at least this many bytes take the buffer instead of a copy.
const HAND_OVER: usize = 4096;

thread_local! {
    /// The buffer kept between receives on this thread.
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// An empty buffer with room for at least `len` bytes. Receive into no more
/// than `len` of its spare capacity, which may be larger.
pub(crate) fn take(len: usize) -> Vec<u8> {
    let mut buffer = SPARE.take();
    buffer.clear();
    buffer.reserve(len);
    buffer
}

/// The bytes received into a buffer from [`take`]: a copy when they are
/// few, and the buffer is kept for the next receive; otherwise the buffer.
pub(crate) fn finish(buffer: Vec<u8>) -> Vec<u8> {
    if buffer.len() >= HAND_OVER {
        return buffer;
    }
    let received = buffer.clone();
    SPARE.set(buffer);
    received
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_receives_reuse_the_buffer_and_large_ones_take_it() {
        let mut buffer = take(65536);
        assert!(buffer.is_empty() && buffer.capacity() >= 65536);
        let kept = buffer.as_ptr();
        buffer.extend_from_slice(b"ping");
        assert_eq!(finish(buffer), b"ping");

        let mut buffer = take(100);
        assert_eq!(buffer.as_ptr(), kept, "the kept buffer is used again");
        assert!(buffer.is_empty(), "and starts empty");
        buffer.resize(HAND_OVER, 7);
        let large = finish(buffer);
        assert_eq!((large.as_ptr(), large.len()), (kept, HAND_OVER));

        let buffer = take(10);
        assert_ne!(buffer.as_ptr(), kept, "a handed-over buffer is not kept");
    }
}
