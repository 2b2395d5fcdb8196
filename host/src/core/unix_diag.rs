//! The name a Unix socket was bound to, by the file that names it now,
//! from the kernel's socket diagnostics (`sock_diag(7)`, `unix_diag`).
//!
//! A socket file can be given more names (a hard link) or moved (a rename)
//! after it was bound; the kernel still knows the name given to `bind(2)`,
//! and reports it with the device and inode of the socket file.

use std::io;

use socket2::{Domain, Protocol, Socket, Type};

/// `SOCK_DIAG_BY_FAMILY`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `UDIAG_SHOW_NAME | UDIAG_SHOW_VFS`.
const SHOW_NAME_AND_FILE: u32 = 0x1 | 0x2;
/// `UNIX_DIAG_NAME`, `UNIX_DIAG_VFS`.
const ATTRIBUTE_NAME: u16 = 0;
const ATTRIBUTE_FILE: u16 = 1;
/// `nlmsghdr` and `unix_diag_msg` sizes.
const MESSAGE_HEADER: usize = 16;
const DIAG_HEADER: usize = 16;

/// A socket file, as `stat(2)` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketFile {
    /// `st_dev`.
    pub device: u64,
    /// `st_ino`.
    pub inode: u64,
}

/// The names the sockets bound to `file` were bound to (one, unless the
/// file is stale and another socket was bound over a second name of it).
/// Empty when no socket of this network namespace is bound to it.
pub(crate) fn bound_names(file: SocketFile) -> io::Result<Vec<Vec<u8>>> {
    let netlink = Socket::new(
        Domain::from(libc::AF_NETLINK),
        Type::DGRAM,
        Some(Protocol::from(libc::NETLINK_SOCK_DIAG)),
    )?;
    netlink.send(&dump_request())?;
    let mut names = Vec::new();
    let mut buffer = vec![0u8; 32 * 1024];
    loop {
        // The kernel prepares each part of a dump before the call that
        // reads it returns, so nothing here waits.
        let received = netlink.recv_with_flags(
            crate::core::recv_buffer::as_uninit(&mut buffer),
            libc::MSG_DONTWAIT,
        )?;
        for message in messages(&buffer[..received]) {
            match message {
                Message::Done => return Ok(names),
                Message::Error(errno) => return Err(io::Error::from_raw_os_error(errno)),
                Message::Socket {
                    name,
                    file: Some(found),
                } if found == kernel_file(file) => {
                    // A path as the binder passed it, up to its NUL.
                    let path = name.and_then(|name| name.split(|&b| b == 0).next());
                    names.extend(path.map(<[u8]>::to_vec));
                }
                Message::Socket { .. } => {}
            }
        }
    }
}

/// A dump of every Unix socket in every state, with names and files.
fn dump_request() -> Vec<u8> {
    let mut request = Vec::with_capacity(MESSAGE_HEADER + 24);
    let length = (MESSAGE_HEADER + 24) as u32;
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    request.extend_from_slice(&length.to_ne_bytes());
    request.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    request.extend_from_slice(&flags.to_ne_bytes());
    request.extend_from_slice(&[0; 8]); // sequence, port
    request.push(libc::AF_UNIX as u8); // sdiag_family
    request.extend_from_slice(&[0; 3]); // sdiag_protocol, pad
    request.extend_from_slice(&u32::MAX.to_ne_bytes()); // every state
    request.extend_from_slice(&0u32.to_ne_bytes()); // udiag_ino
    request.extend_from_slice(&SHOW_NAME_AND_FILE.to_ne_bytes());
    request.extend_from_slice(&[0; 8]); // cookie
    request
}

/// The file as `unix_diag` reports it: the kernel's own device number
/// (major in the high 12 bits, minor in the low 20) and the inode's low 32
/// bits.
fn kernel_file(file: SocketFile) -> (u32, u32) {
    let (major, minor) = (libc::major(file.device), libc::minor(file.device));
    ((major << 20) | (minor & 0xfffff), file.inode as u32)
}

/// One message of a dump.
#[derive(Debug, PartialEq, Eq)]
enum Message<'a> {
    /// A socket: the name it was bound to, and its file as (device, inode).
    Socket {
        name: Option<&'a [u8]>,
        file: Option<(u32, u32)>,
    },
    /// `NLMSG_DONE`.
    Done,
    /// `NLMSG_ERROR`, with its errno.
    Error(i32),
}

/// The messages in what one `recv` returned; a length that does not fit
/// ends the walk.
fn messages(mut bytes: &[u8]) -> impl Iterator<Item = Message<'_>> {
    std::iter::from_fn(move || {
        let length = u32::from_ne_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let kind = u16::from_ne_bytes(bytes.get(4..6)?.try_into().ok()?);
        let payload = bytes.get(MESSAGE_HEADER..length)?;
        bytes = bytes.get(length.next_multiple_of(4)..).unwrap_or_default();
        Some(match kind as i32 {
            libc::NLMSG_DONE => Message::Done,
            libc::NLMSG_ERROR => {
                let error = i32::from_ne_bytes(payload.get(..4)?.try_into().ok()?);
                Message::Error(-error)
            }
            _ => socket(payload.get(DIAG_HEADER..)?),
        })
    })
}

/// A socket's attributes (`rtattr`s after the `unix_diag_msg`).
fn socket(mut attributes: &[u8]) -> Message<'_> {
    let (mut name, mut file) = (None, None);
    while let Some(header) = attributes.get(..4) {
        let length = u16::from_ne_bytes([header[0], header[1]]) as usize;
        let kind = u16::from_ne_bytes([header[2], header[3]]);
        let Some(value) = attributes.get(4..length) else {
            break;
        };
        match kind {
            ATTRIBUTE_NAME => name = Some(value),
            ATTRIBUTE_FILE if value.len() >= 8 => {
                let inode = u32::from_ne_bytes(value[..4].try_into().expect("4 bytes"));
                let device = u32::from_ne_bytes(value[4..8].try_into().expect("4 bytes"));
                file = Some((device, inode));
            }
            _ => {}
        }
        attributes = attributes
            .get(length.next_multiple_of(4)..)
            .unwrap_or_default();
    }
    Message::Socket { name, file }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::net::UnixListener;

    use super::*;

    fn file_of(path: &std::path::Path) -> SocketFile {
        let metadata = std::fs::metadata(path).unwrap();
        SocketFile {
            device: metadata.dev(),
            inode: metadata.ino(),
        }
    }

    /// A socket is found by its file under the name it was bound to, also
    /// after the file is renamed; a file no socket is bound to has none.
    #[test]
    fn a_socket_file_names_the_path_it_was_bound_to() {
        let dir = std::env::temp_dir().join(format!("wasock-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bound = dir.join("bound.sock");
        let _listener = UnixListener::bind(&bound).unwrap();
        let file = file_of(&bound);
        let expected = bound.as_os_str().as_encoded_bytes().to_vec();
        assert_eq!(bound_names(file).unwrap(), vec![expected.clone()]);

        let moved = dir.join("moved.sock");
        std::fs::rename(&bound, &moved).unwrap();
        assert_eq!(bound_names(file_of(&moved)).unwrap(), vec![expected]);

        let plain = dir.join("plain");
        std::fs::write(&plain, b"").unwrap();
        assert!(bound_names(file_of(&plain)).unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Truncated or inconsistent messages end the walk.
    #[test]
    fn short_messages_end_the_walk() {
        assert_eq!(messages(&[]).count(), 0);
        let mut done = vec![0u8; MESSAGE_HEADER];
        done[..4].copy_from_slice(&(MESSAGE_HEADER as u32).to_ne_bytes());
        done[4..6].copy_from_slice(&(libc::NLMSG_DONE as u16).to_ne_bytes());
        assert_eq!(messages(&done).collect::<Vec<_>>(), vec![Message::Done]);
        let mut forged = done.clone();
        forged[..4].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(messages(&forged).count(), 0);
        assert_eq!(
            socket(&[8, 0, 0, 0]),
            Message::Socket {
                name: None,
                file: None
            }
        );
    }
}
