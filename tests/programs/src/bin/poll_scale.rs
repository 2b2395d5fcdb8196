//! A poller over many sockets reports exactly the ready ones, and a wait
//! costs what is ready, not what is registered. Run with
//! `--allow-bind 127.0.0.1/32:* --allow-connect 127.0.0.1/32:*`, limits
//! above the socket count, and the socket count as the argument.
//!
//! Prints the time per wait with every socket registered, with 10
//! registered, and per one-shot `poll` over every socket.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use wasock::net::UdpSocket;
use wasock::poll::{Events, PollFd, Poller, Trigger, poll};

const R: Events = Events::READABLE;
const WAITS: u32 = 100;
const POLLS: u32 = 10;

/// The keys one zero-timeout wait reports, checking that each is readable.
fn ready(poller: &Poller) -> BTreeSet<u64> {
    let mut events = Vec::with_capacity(64);
    poller.wait(&mut events, Some(Duration::ZERO)).unwrap();
    events
        .iter()
        .map(|(key, events)| {
            assert_eq!(*events, R, "key {key}");
            *key
        })
        .collect()
}

/// The mean duration of `rounds` calls of `call`.
fn time(rounds: u32, mut call: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        call();
    }
    start.elapsed() / rounds
}

fn main() {
    let count: usize = wasock_test_programs::args()[0].parse().unwrap();
    let start = Instant::now();
    let sockets: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let all = Poller::new().unwrap();
    for (key, socket) in (0..).zip(&sockets) {
        all.register(socket, key, R, Trigger::Level).unwrap();
    }
    println!(
        "{count} sockets bound and registered in {:?}",
        start.elapsed()
    );

    let chosen: BTreeSet<u64> = [count / 3, count / 2, count - 1]
        .into_iter()
        .map(|i| i as u64)
        .collect();
    assert!(ready(&all).is_empty(), "nothing sent yet");
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for key in &chosen {
        let to = sockets[*key as usize].local_addr().unwrap();
        sender.send_to(b"ready", to).unwrap();
    }
    let mut events = Vec::with_capacity(64);
    all.wait(&mut events, Some(Duration::from_secs(10)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while ready(&all).len() < chosen.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(ready(&all), chosen, "exactly the sockets sent to");

    let few = Poller::new().unwrap();
    let unready = (0..).filter(|i| !chosen.contains(i)).take(7);
    for key in unready.chain(chosen.iter().copied()) {
        few.register(&sockets[key as usize], key, R, Trigger::Level)
            .unwrap();
    }
    assert_eq!(ready(&few), chosen);

    let with_all = time(WAITS, || assert_eq!(ready(&all).len(), 3));
    let with_few = time(WAITS, || assert_eq!(ready(&few).len(), 3));
    let one_shot = time(POLLS, || {
        let mut fds: Vec<PollFd> = sockets.iter().map(|s| PollFd::new(s, R)).collect();
        assert_eq!(poll(&mut fds, Some(Duration::ZERO)).unwrap(), 3);
    });
    println!("wait with {count} registered: {with_all:?}");
    println!("wait with 10 registered: {with_few:?}");
    println!("poll over {count} sockets: {one_shot:?}");
    println!("scale ok");
}
