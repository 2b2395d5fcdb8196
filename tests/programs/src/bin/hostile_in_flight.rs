//! Keeping sockets alive in the kernel beyond the socket quota by passing
//! them away: each socket is sent with `SCM_RIGHTS` over a socket pair to
//! the guest itself, never received, and its handle dropped. The kernel
//! keeps every one alive in the queued messages, so each must keep its
//! place in the quota until it is received or its queue is closed.
//!
//! Connections left waiting in an accept queue count too.
//!
//! `hostile_in_flight LIMIT`, run with `max_sockets` LIMIT and loopback
//! grants.

use std::net::SocketAddr;
use std::time::Duration;

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
    let (sender, queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let last = pass_away(&sender, limit * 4);
    assert_eq!(last, limit - 2, "places given back by closing the queue");
    drop((sender, queue));

    // A socket sent in two messages and received from one is still in
    // flight in the other after the handle that came back is dropped.
    let (first, first_queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let (second, second_queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let mut twice = 0;
    for _ in 0..limit * 4 {
        let Ok(socket) = Socket::new(Domain::UNIX, Type::DGRAM, None) else {
            break;
        };
        first.send_with_sockets(b"1", &[&socket]).unwrap();
        second.send_with_sockets(b"2", &[&socket]).unwrap();
        drop(socket);
        let (_, back) = second_queue.recv_with_sockets(16, 1).unwrap();
        assert_eq!(
            back.len(),
            1,
            "the socket comes back from the second message"
        );
        twice += 1;
    }
    assert_eq!(
        twice,
        limit - 4,
        "the pairs and LIMIT - 4 sockets in flight"
    );
    drop((first, first_queue, second, second_queue));
    println!("in-flight sockets counted");

    // Connections waiting in an accept queue are sockets too: a guest
    // that connects to its own listener and closes each client leaves
    // them there. The queue is made no longer than the quota allows.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&SockAddr::from(loopback)).unwrap();
    listener.listen(4096).unwrap();
    let address = listener.local_addr().unwrap();
    let mut queued = 0;
    for _ in 0..limit * 4 {
        let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        client.set_timeout(Some(Duration::from_millis(200)));
        if client.connect(&address).is_err() {
            break;
        }
        queued += 1;
    }
    assert!(
        queued <= limit,
        "{queued} connections queued with a quota of {limit}"
    );
    drop(listener);

    // A listener passed away keeps its accept queue's places.
    let (sender, queue) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let mut alive = 0;
    for _ in 0..limit {
        let Ok(listener) = Socket::new(Domain::IPV4, Type::STREAM, None) else {
            break;
        };
        listener.bind(&SockAddr::from(loopback)).unwrap();
        if listener.listen(4096).is_err() {
            break;
        }
        alive += 1;
        let address = listener.local_addr().unwrap();
        for _ in 0..limit {
            let Ok(client) = Socket::new(Domain::IPV4, Type::STREAM, None) else {
                break;
            };
            client.set_timeout(Some(Duration::from_millis(200)));
            if client.connect(&address).is_err() {
                break;
            }
            alive += 1;
        }
        sender.send_with_sockets(b"l", &[&listener]).unwrap();
    }
    assert!(
        alive <= limit,
        "{alive} listeners and queued connections passed away with a quota of {limit}"
    );
    drop((sender, queue));
    println!("{queued} connections queued; accept queues counted");
}
