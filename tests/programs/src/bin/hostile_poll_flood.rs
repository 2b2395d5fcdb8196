//! `poll` and a poller over thousands of sockets: within the poll limit it
//! works; beyond it the call fails before the host copies the list, even a
//! list of a million entries.
//!
//! `hostile_poll_flood SOCKETS LIMIT`, run with `max_poll_targets` LIMIT
//! (below SOCKETS), room for SOCKETS sockets and loopback grants.

use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::UdpSocket;
use wasock::poll::{Events, PollFd, Poller, Trigger, poll};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let count: usize = args[0].parse().unwrap();
    let limit: usize = args[1].parse().unwrap();
    let sockets: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let mut within: Vec<PollFd<'_>> = sockets[..limit]
        .iter()
        .map(|s| PollFd::new(s, Events::WRITABLE))
        .collect();
    assert_eq!(poll(&mut within, Some(Duration::ZERO)).unwrap(), limit);

    let mut beyond: Vec<PollFd<'_>> = sockets
        .iter()
        .map(|s| PollFd::new(s, Events::READABLE))
        .collect();
    expect_code(
        "poll beyond the limit",
        poll(&mut beyond, Some(Duration::ZERO)),
        ErrorCode::InvalidArgument,
    );
    let mut million: Vec<PollFd<'_>> = (0..1_000_000)
        .map(|i| PollFd::new(&sockets[i % count], Events::READABLE))
        .collect();
    expect_code(
        "poll of a million entries",
        poll(&mut million, None),
        ErrorCode::InvalidArgument,
    );
    drop(million);

    let poller = Poller::new().unwrap();
    for (key, socket) in sockets[..limit].iter().enumerate() {
        poller
            .register(socket, key as u64, Events::WRITABLE, Trigger::Level)
            .unwrap();
    }
    expect_code(
        "register beyond the limit",
        poller.register(&sockets[limit], 0, Events::READABLE, Trigger::Level),
        ErrorCode::NoBufferSpace,
    );
    let mut events = Vec::with_capacity(count);
    poller.wait(&mut events, Some(Duration::ZERO)).unwrap();
    assert_eq!(events.len(), limit, "every registered socket is writable");
    println!("poll flood bounded");
}
