//! `socketpair` of every Unix type, and `dup`. Needs no grant.

use std::io::{Read, Write};

use wasock::ErrorCode;
use wasock::socket::{Domain, Socket, Type};
use wasock::unix::{UnixDatagram, UnixStream};
use wasock_test_programs::expect_code;

fn main() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    a.write_all(b"over the pair").unwrap();
    let mut buffer = [0; 13];
    b.read_exact(&mut buffer).unwrap();
    assert_eq!(&buffer, b"over the pair");
    assert!(
        a.local_addr().unwrap().is_unnamed(),
        "pair ends are unnamed"
    );
    assert!(b.peer_addr().unwrap().is_unnamed(), "pair ends are unnamed");

    let (x, y) = UnixDatagram::pair().unwrap();
    x.send(b"one").unwrap();
    x.send(b"two").unwrap();
    let mut datagram = [0; 16];
    assert_eq!(
        y.recv(&mut datagram).unwrap(),
        3,
        "datagrams keep their boundaries"
    );
    assert_eq!(&datagram[..3], b"one");

    let (p, q) = Socket::pair(Domain::UNIX, Type::SEQPACKET, None).unwrap();
    p.send(b"first record").unwrap();
    p.send(b"second").unwrap();
    assert_eq!(
        q.recv(64).unwrap(),
        b"first record",
        "seqpacket keeps record boundaries"
    );
    assert_eq!(q.recv(64).unwrap(), b"second");
    assert_eq!(q.socket_type(), Type::SEQPACKET);

    expect_code(
        "IPv4 pair",
        Socket::pair(Domain::IPV4, Type::STREAM, None),
        ErrorCode::OperationNotSupported,
    );

    // A dup shares the socket: what one handle writes the peer reads, and
    // closing the original leaves the dup working.
    let dup = a.try_clone().unwrap();
    drop(a);
    (&dup).write_all(b"via dup").unwrap();
    let mut seven = [0; 7];
    b.read_exact(&mut seven).unwrap();
    assert_eq!(&seven, b"via dup");
    drop(dup);
    let mut rest = Vec::new();
    b.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "the socket closes with its last handle");

    let (closing, _peer) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    closing.close().unwrap();
    closing.close().expect("closing twice is not an error");
    expect_code(
        "send after close",
        closing.send(b"x"),
        ErrorCode::BadDescriptor,
    );
    expect_code(
        "address after close",
        closing.local_addr(),
        ErrorCode::BadDescriptor,
    );
    assert_eq!(wasock::socket::cmsg_len(4), 20);
    assert_eq!(wasock::socket::cmsg_space(4), 24);
    assert_eq!(wasock::socket::cmsg_space(12), 32);
    println!("pairs ok");
}
