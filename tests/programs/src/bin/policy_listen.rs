//! Listen rules.
//!
//! `policy_listen implicit`: run with `--allow-listen 0.0.0.0/0:0` only:
//! `listen` on an unbound IPv4 socket (its implicit bind to 0.0.0.0:0) is
//! granted; binding is not, nor the implicit bind of an IPv6 socket.
//! `policy_listen bound`: run with `--allow-bind 127.0.0.1/32:0` only: a
//! socket bound to an ephemeral port may listen (listen is checked with the
//! address as bound, and bind rules are listen rules too); other ports are
//! denied.

use wasock::net::TcpListener;
use wasock::socket::{Domain, Socket, Type};
use wasock_test_programs::{args, expect_denied};

fn main() {
    match args()[0].as_str() {
        "implicit" => implicit(),
        "bound" => bound(),
        other => panic!("unknown mode {other}"),
    }
    println!("listen rules enforced");
}

fn implicit() {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .listen(1)
        .expect("the implicit bind of listen is granted");
    let local = socket.local_addr().unwrap().as_inet().unwrap();
    assert!(local.ip().is_unspecified() && local.port() != 0, "{local}");
    expect_denied("bind", TcpListener::bind("127.0.0.1:0"));
    let v6 = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    let text = expect_denied("listen on [::]:0", v6.listen(1));
    assert!(
        text.contains("[::]:0") && text.contains("--allow-listen"),
        "{text}"
    );
}

fn bound() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind and listen on port 0");
    assert_ne!(listener.local_addr().unwrap().port(), 0);
    expect_denied("bind to another port", TcpListener::bind("127.0.0.1:40000"));
    let unbound = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_denied("listen without bind", unbound.listen(1));
}
