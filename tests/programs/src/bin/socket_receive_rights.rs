//! Receives descriptors from a native process over the inherited socket:
//! the socket among them becomes a usable socket, the non-socket is closed
//! by the host and counted. Echoes what arrives on the received socket.

use wasock::socket::{Ancillary, MessageFlags, rights_space, take_inherited_sockets};

fn main() {
    let channel = take_inherited_sockets()
        .unwrap()
        .pop()
        .expect("a channel from the native process");
    let mut message = channel
        .recv_msg(16, rights_space(2), MessageFlags::empty())
        .unwrap();
    assert_eq!(message.data, b"fds");
    let closed: u32 = message
        .ancillary
        .iter()
        .map(|item| match item {
            Ancillary::ClosedDescriptors(count) => *count,
            _ => 0,
        })
        .sum();
    let mut sockets = message.take_sockets();
    assert_eq!(
        (sockets.len(), closed),
        (1, 1),
        "one socket kept, one pipe closed"
    );
    let socket = sockets.pop().unwrap();
    let data = socket.recv(64).unwrap();
    socket.send_all(&data).unwrap();
    println!("received 1 socket, closed {closed} other descriptor");
}
