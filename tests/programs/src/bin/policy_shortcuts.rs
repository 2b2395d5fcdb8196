//! The one-flag grants and the yes-or-no ones: loopback only, any
//! unprivileged port, privileged ports, broadcast.
//!
//! - `policy_shortcuts loopback [ipv6]`: run with `--loopback-only`.
//! - `policy_shortcuts unprivileged PORT`: run with `--unprivileged-ports`;
//!   a native listener waits on 127.0.0.1:PORT.
//! - `policy_shortcuts privileged denied|granted`: run with `--allow-bind
//!   127.0.0.1/32:*`, and `--allow-privileged-ports` for `granted`.
//! - `policy_shortcuts broadcast denied|granted`: run with `--allow-bind
//!   127.0.0.1/32:0` and `--allow-connect 0.0.0.0/0:*`, and
//!   `--allow-broadcast` for `granted`.

use std::net::Ipv4Addr;

use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock_test_programs::{args, expect_denied, expect_not_denied};

fn main() {
    let args = args();
    match (args[0].as_str(), args.get(1).map(String::as_str)) {
        ("loopback", ipv6) => loopback(ipv6 == Some("ipv6")),
        ("unprivileged", Some(port)) => unprivileged(port.parse().unwrap()),
        ("privileged", Some(grant)) => privileged(grant == "granted"),
        ("broadcast", Some(grant)) => broadcast(grant == "granted"),
        (other, _) => panic!("unknown mode {other}"),
    }
    println!("shortcut enforced");
}

fn loopback(ipv6: bool) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding loopback");
    let address = listener.local_addr().unwrap();
    let _client = TcpStream::connect(address).expect("connecting to loopback");
    let (_server, peer) = listener.accept().expect("accepting from loopback");
    assert_eq!(peer.ip(), Ipv4Addr::LOCALHOST);
    UdpSocket::bind("127.0.0.5:0").expect("all of 127.0.0.0/8");
    if ipv6 {
        TcpListener::bind("[::1]:0").expect("binding ::1");
    }
    expect_denied("the wildcard address", UdpSocket::bind("0.0.0.0:0"));
    expect_denied("elsewhere", TcpStream::connect("192.0.2.1:8080"));
    let text = expect_denied("a privileged port", TcpListener::bind("127.0.0.1:80"));
    assert!(text.contains("--allow-privileged-ports"), "{text}");
}

fn unprivileged(port: u16) {
    TcpStream::connect(("127.0.0.1", port)).expect("connecting to an unprivileged port");
    TcpListener::bind("0.0.0.0:0").expect("binding an ephemeral port anywhere");
    let text = expect_denied(
        "connecting to a privileged port",
        TcpStream::connect("192.0.2.1:80"),
    );
    assert!(text.contains("--allow-connect"), "{text}");
    let text = expect_denied(
        "binding a privileged port",
        TcpListener::bind("127.0.0.1:1023"),
    );
    assert!(text.contains("--allow-privileged-ports"), "{text}");
}

fn privileged(granted: bool) {
    let bound = TcpListener::bind("127.0.0.1:1000");
    if granted {
        expect_not_denied("binding port 1000", bound);
    } else {
        let text = expect_denied("binding port 1000", bound);
        assert!(text.contains("--allow-privileged-ports"), "{text}");
        TcpListener::bind("127.0.0.1:0").expect("an ephemeral port is not privileged");
    }
}

fn broadcast(granted: bool) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    if granted {
        socket.set_broadcast(true).expect("SO_BROADCAST is granted");
        assert!(socket.broadcast().unwrap());
        // Bound to loopback, the datagram cannot leave the host.
        expect_not_denied(
            "sending to 255.255.255.255",
            socket.send_to(b"x", (Ipv4Addr::BROADCAST, 9)),
        );
    } else {
        let text = expect_denied("SO_BROADCAST", socket.set_broadcast(true));
        assert!(text.contains("--allow-broadcast"), "{text}");
        socket
            .set_broadcast(false)
            .expect("clearing SO_BROADCAST needs no grant");
        let text = expect_denied(
            "sending to 255.255.255.255",
            socket.send_to(b"x", (Ipv4Addr::BROADCAST, 9)),
        );
        assert!(text.contains("broadcast"), "{text}");
        socket
            .send_to(b"x", ("127.0.0.1", 9))
            .expect("a unicast address is granted");
    }
}
