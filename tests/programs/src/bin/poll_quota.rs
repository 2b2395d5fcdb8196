//! A poller counts against the socket quota, and its set against the poll
//! quota. Run with `--allow-bind 127.0.0.1/32:*` and the limits
//! `max_sockets: 4, max_poll_targets: 2`.

use wasock::ErrorCode;
use wasock::net::UdpSocket;
use wasock::poll::{Events, Poller, Trigger};
use wasock_test_programs::expect_code;

const R: Events = Events::READABLE;

fn bind() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

fn main() {
    let poller = Poller::new().unwrap();
    let (a, b, c) = (bind(), bind(), bind());
    expect_code(
        "a poller beyond the socket quota",
        Poller::new(),
        ErrorCode::TooManyOpenFiles,
    );
    expect_code(
        "a socket beyond the quota a poller holds a place of",
        UdpSocket::bind("127.0.0.1:0"),
        ErrorCode::TooManyOpenFiles,
    );

    poller.register(&a, 1, R, Trigger::Level).unwrap();
    poller.register(&b, 2, R, Trigger::Level).unwrap();
    let text = expect_code(
        "a set beyond the poll quota",
        poller.register(&c, 3, R, Trigger::Level),
        ErrorCode::NoBufferSpace,
    );
    assert!(
        text.contains("limit of 2"),
        "the error names the limit: {text}"
    );

    poller.deregister(&a).unwrap();
    poller.register(&c, 3, R, Trigger::Level).unwrap();
    drop(b);
    poller
        .register(&a, 1, R, Trigger::Level)
        .expect("a dropped socket gives its place in the set back");

    drop(poller);
    let first = Poller::new().expect("a dropped poller gives its socket back");
    let second = Poller::new().unwrap();
    expect_code(
        "the quota is full again",
        Poller::new(),
        ErrorCode::TooManyOpenFiles,
    );
    drop((first, second));
    println!("quota ok");
}
