//! Run with no grants: every use of the network is denied with
//! `access-denied`, and the denial names what was denied. Creating sockets
//! and resolving `localhost` or numeric hosts still work.

use std::io::ErrorKind;

use wasock::lookup::lookup_host;
use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock::unix::{SocketAddr as UnixAddr, UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{code, expect_denied};

fn main() {
    let text = expect_denied("tcp connect", TcpStream::connect("127.0.0.1:9"));
    assert!(text.contains("connect to 127.0.0.1:9"), "{text}");
    expect_denied("tcp bind", TcpListener::bind("127.0.0.1:0"));
    expect_denied("tcp6 bind", TcpListener::bind("[::1]:0"));
    expect_denied("udp bind", UdpSocket::bind("127.0.0.1:0"));

    let unbound =
        Socket::new(Domain::IPV4, Type::STREAM, None).expect("creating a socket needs no grant");
    let text = expect_denied("listen without bind", unbound.listen(1));
    assert!(
        text.contains("0.0.0.0:0"),
        "the implicit bind is named: {text}"
    );

    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    let text = expect_denied(
        "udp send-to",
        udp.send_to(
            b"x",
            &SockAddr::from("127.0.0.1:9".parse::<std::net::SocketAddr>().unwrap()),
        ),
    );
    assert!(text.contains("send to 127.0.0.1:9"), "{text}");

    let error = lookup_host("wasock-test.invalid:80")
        .map(|a| a.count())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{error}");
    assert!(error.to_string().contains("--allow-dns"), "{error}");
    println!("lookup: {error}");

    expect_denied("unix bind", UnixListener::bind("/tmp/wasock-denied.sock"));
    expect_denied(
        "unix connect",
        UnixStream::connect("/tmp/wasock-denied.sock"),
    );
    expect_denied(
        "unix datagram send-to",
        UnixDatagram::unbound()
            .unwrap()
            .send_to(b"x", "/tmp/wasock-denied.sock"),
    );
    let abstract_name = UnixAddr::from_abstract_name(b"wasock-denied").unwrap();
    expect_code_abstract(UnixListener::bind_addr(&abstract_name).map(|_| ()));

    let localhost: Vec<_> = lookup_host("localhost:80")
        .expect("localhost needs no grant")
        .collect();
    assert!(
        localhost.contains(&"127.0.0.1:80".parse().unwrap()),
        "{localhost:?}"
    );
    let numeric: Vec<_> = lookup_host("127.1:80")
        .expect("numeric hosts need no grant")
        .collect();
    assert_eq!(numeric, vec!["127.0.0.1:80".parse().unwrap()]);
    println!("all denied");
}

fn expect_code_abstract(result: std::io::Result<()>) {
    let error = result.expect_err("abstract bind is denied");
    assert_eq!(code(&error), wasock::ErrorCode::AccessDenied, "{error}");
}
