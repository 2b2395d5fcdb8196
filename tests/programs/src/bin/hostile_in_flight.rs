//! Keeping sockets alive in the kernel beyond the socket quota by passing
//! them away: each socket is sent with `SCM_RIGHTS` over a socket pair to
//! the guest itself, never received, and its handle dropped. The kernel
//! keeps every one alive in the queued messages, so each must keep its
//! place in the quota until it is received or its queue is closed.
//!
//! `hostile_in_flight LIMIT`, run with `max_sockets` LIMIT and loopback
//! grants.

use std::net::SocketAddr;

use wasock::ErrorCode;
use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock_test_programs::{args, code};

/// Make bound UDP sockets, pass each over `via` and drop it, until the
/// quota says no; how many were made.
fn pass_away(via: &Socket, attempts: usize) -> usize {
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    for made in 0..attempts {
        let socket = match Socket::new(Domain::IPV4, Type::DGRAM, None) {
            Ok(socket) => socket,
            Err(error) => {
                assert_eq!(code(&error), ErrorCode::TooManyOpenFiles, "{error}");
                println!("stopped after {made}: {error}");
                return made;
            }
        };
        socket.bind(&SockAddr::from(loopback)).unwrap();
        via.send_with_sockets(b"s", &[&socket]).unwrap();
        drop(socket);
    }
    attempts
}

fn main() {
    let limit: usize = args()[0].parse().unwrap();
    let (sender, queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let made = pass_away(&sender, limit * 4);
    assert_eq!(made, limit - 2, "the pair and LIMIT - 2 sockets in flight");

    // Received, they are handles again; dropped, their places come back.
    for _ in 0..made {
        let (_, sockets) = queue.recv_with_sockets(16, 1).unwrap();
        assert_eq!(sockets.len(), 1);
    }
    let again = pass_away(&sender, limit * 4);
    assert_eq!(again, limit - 2, "places given back by receiving");

    // Closing the queue releases what it held.
    drop(queue);
    drop(sender);
    let (sender, _queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let last = pass_away(&sender, limit * 4);
    assert_eq!(last, limit - 2, "places given back by closing the queue");
    println!("in-flight sockets counted");
}
