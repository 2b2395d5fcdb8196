//! Pinning kernel memory with socket buffers: socket pairs whose
//! `SO_SNDBUF` and `SO_RCVBUF` are raised as far as the kernel allows, and
//! filled. The buffers of the sockets the guest holds, as the kernel
//! reports them, must stay within its socket-buffer budget; a raise or a
//! new socket beyond it fails with `no-buffer-space`.
//!
//! `hostile_buffer_budget BUDGET`, run with `max_buffer_bytes` BUDGET.

use std::net::SocketAddr;

use wasock::ErrorCode;
use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock_test_programs::{args, code};

/// The send and receive buffer sizes the kernel reports for `socket`.
fn pinned(socket: &Socket) -> usize {
    socket.send_buffer_size().unwrap() + socket.recv_buffer_size().unwrap()
}

/// Raise both buffers of `socket` to 8 MiB; whether the budget allowed it.
fn raise(socket: &Socket) -> bool {
    for result in [
        socket.set_send_buffer_size(8 << 20),
        socket.set_recv_buffer_size(8 << 20),
    ] {
        if let Err(error) = result {
            assert_eq!(code(&error), ErrorCode::NoBufferSpace, "{error}");
            return false;
        }
    }
    true
}

fn main() {
    let budget: usize = args()[0].parse().unwrap();
    let mut held = Vec::new();
    let mut refused = false;
    for _ in 0..64 {
        let (a, b) = match Socket::pair(Domain::UNIX, Type::STREAM, None) {
            Ok(pair) => pair,
            Err(error) => {
                assert_eq!(code(&error), ErrorCode::NoBufferSpace, "{error}");
                refused = true;
                break;
            }
        };
        let raised = raise(&a) && raise(&b);
        // Fill what was granted: the memory is pinned for real.
        a.set_nonblocking(true).unwrap();
        while a.send(&[b'p'; 65536]).is_ok() {}
        held.push((a, b));
        let total: usize = held.iter().map(|(a, b)| pinned(a) + pinned(b)).sum();
        assert!(
            total <= budget,
            "{total} bytes pinned, over the budget of {budget}"
        );
        if !raised {
            refused = true;
            break;
        }
    }
    assert!(refused, "64 raised socket pairs fit a budget of {budget}");
    let total: usize = held.iter().map(|(a, b)| pinned(a) + pinned(b)).sum();
    println!("{} pairs pin {total} bytes of {budget}", held.len());

    // Closing gives the budget back.
    held.clear();
    let (a, _b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    assert!(raise(&a), "a raise fits once the others are closed");
    drop((a, _b));

    // TCP buffers the kernel grows by itself count at what they may grow
    // to; connections beyond that room get fixed buffers.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&SockAddr::from(loopback)).unwrap();
    listener.listen(16).unwrap();
    let mut connections = Vec::new();
    for _ in 0..8 {
        let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        client.connect(&listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.set_nonblocking(true).unwrap();
        while client.send(&[b't'; 65536]).is_ok() {}
        connections.push((client, server));
        let total: usize = pinned(&listener)
            + connections
                .iter()
                .map(|(a, b)| pinned(a) + pinned(b))
                .sum::<usize>();
        assert!(
            total <= budget,
            "{total} bytes in TCP buffers, over {budget}"
        );
    }
    println!("{} TCP connections within the budget", connections.len());
    drop((connections, listener));

    // Data a Unix socket sent stays queued at its peer, charged to the
    // sender, after the sender is dropped: the sender stays charged too.
    let mut receivers = Vec::new();
    let mut queued = 0;
    for _ in 0..64 {
        let Ok((sender, receiver)) = Socket::pair(Domain::UNIX, Type::DGRAM, None) else {
            break;
        };
        if sender.set_send_buffer_size(4 << 20).is_err() {
            break;
        }
        sender.set_nonblocking(true).unwrap();
        while let Ok(sent) = sender.send(&vec![b'q'; 1 << 20]) {
            queued += sent;
        }
        drop(sender);
        receivers.push(receiver);
    }
    assert!(
        queued <= budget,
        "{queued} bytes queued by dropped senders, over {budget}"
    );
    println!(
        "{queued} bytes queued by {} dropped senders",
        receivers.len()
    );
    println!("buffer budget held");
}
