//! `poll` over several sockets. Run with
//! `--allow-bind 127.0.0.1/32:* --allow-connect 127.0.0.1/32:*`; once it
//! prints `waiting for a datagram on PORT`, send a datagram to
//! `127.0.0.1:PORT` to wake its last poll.

use std::time::{Duration, Instant};

use wasock::net::UdpSocket;
use wasock::poll::{Events, PollFd, poll};

fn main() {
    let sockets: Vec<UdpSocket> = (0..3)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();

    let mut fds: Vec<PollFd> = sockets
        .iter()
        .map(|s| PollFd::new(s, Events::READABLE))
        .collect();
    let start = Instant::now();
    assert_eq!(
        poll(&mut fds, Some(Duration::from_millis(100))).unwrap(),
        0,
        "nothing to read yet"
    );
    assert!(
        start.elapsed() >= Duration::from_millis(90),
        "poll waited for its timeout"
    );

    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(b"wake", sockets[1].local_addr().unwrap())
        .unwrap();
    let mut fds: Vec<PollFd> = sockets
        .iter()
        .map(|s| PollFd::new(s, Events::READABLE))
        .collect();
    assert_eq!(poll(&mut fds, None).unwrap(), 1);
    assert!(fds[0].revents().is_empty());
    assert_eq!(fds[1].revents(), Events::READABLE);
    assert!(fds[2].revents().is_empty());

    let mut fds: Vec<PollFd> = sockets
        .iter()
        .map(|s| PollFd::new(s, Events::WRITABLE))
        .collect();
    assert_eq!(
        poll(&mut fds, Some(Duration::ZERO)).unwrap(),
        3,
        "datagram sockets are writable"
    );

    // A datagram sent from outside the guest while it waits, with no
    // timeout, wakes the poll.
    let mut buffer = [0; 8];
    sockets[1].recv(&mut buffer).unwrap();
    let port = sockets[2].local_addr().unwrap().port();
    println!("waiting for a datagram on {port}");
    let mut fds: Vec<PollFd> = sockets
        .iter()
        .map(|s| PollFd::new(s, Events::READABLE))
        .collect();
    assert_eq!(poll(&mut fds, None).unwrap(), 1);
    assert_eq!(fds[2].revents(), Events::READABLE);
    println!("poll ok");
}
