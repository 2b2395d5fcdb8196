//! The persistent `Poller`: level and edge triggering, `reregister`,
//! `deregister`, sockets leaving the set by themselves, its errors and
//! timeouts. Run with `--allow-bind 127.0.0.1/32:* --allow-connect
//! 127.0.0.1/32:*`; at the end the program prints `waiting on port N` and
//! waits for a datagram someone else sends to that port.

use std::time::{Duration, Instant};

use wasock::ErrorCode;
use wasock::net::UdpSocket;
use wasock::poll::{Events, Poller, Trigger};
use wasock::socket::AsSocket;
use wasock_test_programs::expect_code;

const NOW: Option<Duration> = Some(Duration::ZERO);
const PATIENCE: Option<Duration> = Some(Duration::from_secs(10));
const R: Events = Events::READABLE;
const W: Events = Events::WRITABLE;

fn bind() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

/// One wait, its events sorted by key.
fn wait(poller: &Poller, timeout: Option<Duration>) -> Vec<(u64, Events)> {
    let mut events = Vec::with_capacity(16);
    poller.wait(&mut events, timeout).unwrap();
    events.sort_by_key(|(key, _)| *key);
    events
}

fn main() {
    let sender = bind();
    let send = |to: &UdpSocket| {
        sender.send_to(b"ping", to.local_addr().unwrap()).unwrap();
    };
    let drain = |from: &UdpSocket| {
        let mut buffer = [0; 8];
        from.recv(&mut buffer).unwrap();
    };

    let poller = Poller::new().unwrap();
    let start = Instant::now();
    assert!(wait(&poller, NOW).is_empty(), "an empty set");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "a zero timeout returns at once: {:?}",
        start.elapsed()
    );

    let level = bind();
    let edge = bind();
    poller.register(&level, 1, R, Trigger::Level).unwrap();
    poller.register(&edge, 2, R, Trigger::Edge).unwrap();
    assert!(wait(&poller, NOW).is_empty(), "nothing to read yet");

    send(&level);
    send(&edge);
    assert_eq!(wait(&poller, PATIENCE), [(1, R), (2, R)]);
    assert_eq!(
        wait(&poller, NOW),
        [(1, R)],
        "level-triggered keeps reporting unread data, edge-triggered does not"
    );
    assert_eq!(wait(&poller, NOW), [(1, R)]);
    send(&edge);
    assert_eq!(
        wait(&poller, NOW),
        [(1, R), (2, R)],
        "new data makes an edge"
    );
    assert_eq!(wait(&poller, NOW), [(1, R)]);
    drain(&level);
    assert!(wait(&poller, NOW).is_empty(), "read data is not reported");
    println!("level and edge ok");

    poller.reregister(&level, 10, W, Trigger::Level).unwrap();
    assert_eq!(wait(&poller, NOW), [(10, W)], "a new key and interest");
    assert_eq!(wait(&poller, NOW), [(10, W)]);
    poller.reregister(&level, 11, W, Trigger::Edge).unwrap();
    assert_eq!(wait(&poller, NOW), [(11, W)], "modify arms a new edge");
    assert!(wait(&poller, NOW).is_empty());
    poller.reregister(&edge, 20, R, Trigger::Level).unwrap();
    assert_eq!(wait(&poller, NOW), [(20, R)], "unread data, now level");
    assert_eq!(wait(&poller, NOW), [(20, R)]);
    poller.reregister(&edge, 21, R | W, Trigger::Level).unwrap();
    assert_eq!(wait(&poller, NOW), [(21, R | W)], "events are combined");
    println!("reregister ok");

    poller.deregister(&edge).unwrap();
    assert!(wait(&poller, NOW).is_empty(), "deregister stops reports");
    expect_code(
        "deregister twice",
        poller.deregister(&edge),
        ErrorCode::NotFound,
    );
    expect_code(
        "reregister of a socket not in the set",
        poller.reregister(&edge, 1, R, Trigger::Level),
        ErrorCode::NotFound,
    );
    expect_code(
        "register twice",
        poller.register(&level, 1, R, Trigger::Level),
        ErrorCode::AlreadyExists,
    );
    poller.register(&edge, 22, R, Trigger::Level).unwrap();
    assert_eq!(wait(&poller, NOW), [(22, R)], "registered again");
    poller.deregister(&edge).unwrap();

    let doomed = bind();
    poller.register(&doomed, 30, R, Trigger::Level).unwrap();
    send(&doomed);
    assert_eq!(wait(&poller, PATIENCE), [(30, R)]);
    drop(doomed);
    assert!(
        wait(&poller, NOW).is_empty(),
        "a dropped socket leaves the set"
    );

    let original = bind();
    let copy = original.as_socket().try_clone().unwrap();
    poller.register(&original, 31, R, Trigger::Level).unwrap();
    send(&original);
    drop(original);
    assert_eq!(
        wait(&poller, PATIENCE),
        [(31, R)],
        "the registration lives while a copy of the socket is open"
    );
    drop(copy);
    assert!(wait(&poller, NOW).is_empty(), "the last copy closed");
    println!("leaving the set ok");

    let many: Vec<UdpSocket> = (0..3).map(|_| bind()).collect();
    for (key, socket) in (40..).zip(&many) {
        poller.register(socket, key, R, Trigger::Level).unwrap();
        send(socket);
    }
    let mut two = Vec::with_capacity(2);
    assert_eq!(poller.wait(&mut two, PATIENCE).unwrap(), 2, "capacity 2");
    let mut rest = Vec::with_capacity(2);
    poller.wait(&mut rest, NOW).unwrap();
    let third = (40..43)
        .find(|key| !two.iter().any(|(k, _)| k == key))
        .unwrap();
    assert!(
        rest.iter().any(|(key, _)| *key == third),
        "the next wait reports the others first: {two:?} then {rest:?}"
    );
    expect_code(
        "a wait without room for events",
        poller.wait(&mut Vec::new(), NOW),
        ErrorCode::InvalidArgument,
    );
    for socket in &many {
        poller.deregister(socket).unwrap();
    }

    let start = Instant::now();
    assert!(wait(&poller, Some(Duration::from_millis(200))).is_empty());
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(190) && waited < Duration::from_secs(5),
        "a wait lasts about its timeout: {waited:?}"
    );
    println!("timeouts ok");

    let late = bind();
    poller.register(&late, 50, R, Trigger::Edge).unwrap();
    println!("waiting on port {}", late.local_addr().unwrap().port());
    assert_eq!(
        wait(&poller, PATIENCE),
        [(50, R)],
        "a datagram wakes a waiting poller"
    );
    drop(poller);
    drain(&late);
    println!("poller ok");
}
