//! Run with `--allow-connect 127.0.0.1/32:PORT`: connecting to PORT works,
//! any other port or address is denied before a packet leaves.
//! Argument: PORT, where a native listener waits.

use std::io::Read;

use wasock::net::{TcpStream, UdpSocket};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let port: u16 = args()[0].parse().unwrap();
    let mut granted = TcpStream::connect(("127.0.0.1", port)).expect("the granted port connects");
    let mut greeting = String::new();
    granted.read_to_string(&mut greeting).unwrap();
    assert_eq!(greeting, "hello");

    expect_denied(
        "other port",
        TcpStream::connect(("127.0.0.1", port.wrapping_add(1))),
    );
    expect_denied("other address", TcpStream::connect(("127.0.0.2", port)));
    expect_denied("ipv6 loopback", TcpStream::connect(("::1", port)));
    let mapped = format!("[::ffff:127.0.0.2]:{port}");
    expect_denied("mapped address", TcpStream::connect(mapped.as_str()));
    // Without a bind grant the datagram socket cannot bind; an unbound one
    // may only send where connect rules allow.
    let udp = wasock::socket::Socket::new(
        wasock::socket::Domain::IPV4,
        wasock::socket::Type::DGRAM,
        None,
    )
    .unwrap();
    let udp = UdpSocket::from(udp);
    expect_denied(
        "udp send-to other port",
        udp.send_to(b"x", ("127.0.0.1", port.wrapping_add(1))),
    );
    println!("rules enforced");
}
