//! The byte format of control messages (`cmsg(3)`), read and written in
//! safe code.
//!
//! A control buffer is a sequence of messages, each a `cmsghdr`
//! (`cmsg_len`, `cmsg_level`, `cmsg_type`) followed by its payload and
//! padded to the alignment of `size_t`. `CMSG_FIRSTHDR` and co. walk it
//! with raw pointers; here the kernel's lengths are checked against the
//! bytes the kernel reported writing, so a short or inconsistent buffer
//! ends the walk instead of reading past it.

use std::mem::size_of;

/// The size of a `cmsghdr`, where every payload starts (`CMSG_LEN(0)`).
const HEADER: usize = size_of::<libc::cmsghdr>();

/// The alignment of every header and the padding of every payload.
const ALIGN: usize = size_of::<libc::size_t>();

/// `CMSG_SPACE(len)`: the bytes one message of `len` payload bytes takes.
pub(crate) const fn space(len: usize) -> usize {
    (HEADER + len).next_multiple_of(ALIGN)
}

/// One control message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    /// `cmsg_level`.
    pub level: i32,
    /// `cmsg_type`.
    pub kind: i32,
    /// The payload, `cmsg_len - CMSG_LEN(0)` bytes.
    pub data: &'a [u8],
}

/// Append one message to a control buffer.
pub(crate) fn push(buffer: &mut Vec<u8>, level: i32, kind: i32, data: &[u8]) {
    let start = buffer.len();
    buffer.extend_from_slice(&(HEADER + data.len()).to_ne_bytes());
    buffer.extend_from_slice(&level.to_ne_bytes());
    buffer.extend_from_slice(&kind.to_ne_bytes());
    buffer.extend_from_slice(data);
    buffer.resize(start + space(data.len()), 0);
}

/// The messages of `buffer`, the bytes `recvmsg(2)` wrote
/// (`msg_controllen`). A message whose length does not fit what is left
/// ends the walk.
pub(crate) fn messages(buffer: &[u8]) -> impl Iterator<Item = Message<'_>> {
    let mut rest = buffer;
    std::iter::from_fn(move || {
        let header = rest.get(..HEADER)?;
        let len = usize::from_ne_bytes(header[..ALIGN].try_into().ok()?);
        let level = i32::from_ne_bytes(header[ALIGN..ALIGN + 4].try_into().ok()?);
        let kind = i32::from_ne_bytes(header[ALIGN + 4..ALIGN + 8].try_into().ok()?);
        let data = rest.get(HEADER..len)?;
        rest = rest.get(len.next_multiple_of(ALIGN)..).unwrap_or_default();
        Some(Message { level, kind, data })
    })
}

/// The `i32` fields of a payload, in order (descriptors, credentials).
pub(crate) fn ints(data: &[u8]) -> impl Iterator<Item = i32> + '_ {
    data.chunks_exact(4)
        .map(|chunk| i32::from_ne_bytes(chunk.try_into().expect("chunks are 4 bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_pushed_is_walked_back() {
        let mut buffer = Vec::new();
        push(
            &mut buffer,
            libc::SOL_SOCKET,
            libc::SCM_RIGHTS,
            &7i32.to_ne_bytes(),
        );
        push(&mut buffer, libc::IPPROTO_IP, libc::IP_TOS, &[0x10]);
        // SAFETY: CMSG_SPACE only computes a size.
        let expected = unsafe { libc::CMSG_SPACE(4) + libc::CMSG_SPACE(1) } as usize;
        assert_eq!(buffer.len(), expected, "laid out as CMSG_SPACE says");
        let walked: Vec<_> = messages(&buffer).collect();
        assert_eq!(walked.len(), 2);
        assert_eq!(
            (
                walked[0].level,
                walked[0].kind,
                ints(walked[0].data).collect::<Vec<_>>()
            ),
            (libc::SOL_SOCKET, libc::SCM_RIGHTS, vec![7])
        );
        assert_eq!(walked[1].data, [0x10]);
    }

    /// Lengths that claim more than the buffer holds, or less than a
    /// header, end the walk instead of reading beyond the buffer.
    #[test]
    fn inconsistent_lengths_end_the_walk() {
        let mut buffer = Vec::new();
        push(
            &mut buffer,
            libc::SOL_SOCKET,
            libc::SCM_RIGHTS,
            &[1, 0, 0, 0],
        );
        for len in [0, HEADER - 1, buffer.len() + 1, usize::MAX] {
            let mut forged = buffer.clone();
            forged[..ALIGN].copy_from_slice(&len.to_ne_bytes());
            assert_eq!(messages(&forged).count(), 0, "cmsg_len {len}");
        }
        assert_eq!(messages(&buffer[..HEADER - 1]).count(), 0);
        assert_eq!(messages(&[]).count(), 0);
    }
}
