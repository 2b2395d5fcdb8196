//! Making the host sleep with `SO_LINGER`: a TCP socket with unsent data
//! and a linger time makes `close(2)` sleep in the kernel for that time.
//! Dropping such a socket must return at once, and an explicit `close`
//! waits without holding the host's thread (the neighbour guest keeps
//! answering meanwhile). A socket handed over by the embedder with
//! `SO_LINGER` already set in the kernel is dropped at once too.
//!
//! `hostile_linger LINGER_SECONDS`, run with loopback grants and one
//! inherited TCP socket with unsent data and `SO_LINGER` set.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use wasock::socket::{Domain, SockAddr, Socket, Type, take_inherited_sockets};
use wasock_test_programs::{AT_ONCE, args};

/// A TCP connection to a listener that never reads, its send path full.
fn stuck_connection(listener: &Socket) -> Socket {
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    client.set_nonblocking(true).unwrap();
    while client.send(&[b'l'; 65536]).is_ok() {}
    client
}

fn main() {
    let seconds: u64 = args()[0].parse().unwrap();
    let linger = Duration::from_secs(seconds);
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&SockAddr::from(loopback)).unwrap();
    listener.listen(8).unwrap();

    let dropped = stuck_connection(&listener);
    dropped.set_linger(Some(linger)).unwrap();
    assert_eq!(dropped.linger().unwrap(), Some(linger), "reads back as set");
    let started = Instant::now();
    drop(dropped);
    let took = started.elapsed();
    assert!(took < AT_ONCE, "dropping a lingering socket took {took:?}");
    println!("drop returned in {took:?}");

    let closed = stuck_connection(&listener);
    closed.set_linger(Some(Duration::from_secs(1))).unwrap();
    let started = Instant::now();
    closed.close().unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "close waits for the linger time: {took:?}"
    );
    println!("close lingered {took:?}");

    let inherited = take_inherited_sockets().unwrap();
    assert_eq!(inherited.len(), 1);
    assert_eq!(
        inherited[0].linger().unwrap(),
        Some(linger),
        "as the embedder set it"
    );
    let started = Instant::now();
    drop(inherited);
    let took = started.elapsed();
    assert!(
        took < AT_ONCE,
        "dropping an inherited lingering socket took {took:?}"
    );
    println!("no close sleeps");
}
