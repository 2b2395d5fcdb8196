//! The protocol argument of `socket()` is honoured and reported back
//! (`SO_PROTOCOL`), and impossible combinations fail as on Linux.

use wasock::ErrorCode;
use wasock::socket::{Domain, Protocol, Socket, Type};
use wasock_test_programs::expect_code;

fn main() {
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    assert_eq!(
        (tcp.proto(), tcp.protocol().unwrap()),
        (Protocol::TCP, Protocol::TCP)
    );
    let default = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    assert_eq!(
        default.proto(),
        Protocol::UDP,
        "0 picks the default protocol, reported as such"
    );
    let unix = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    assert_eq!(i32::from(unix.proto()), 0);
    expect_code(
        "UDP socket with the TCP protocol",
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::TCP)),
        ErrorCode::ProtocolNotSupported,
    );
    expect_code(
        "IPv4 seqpacket",
        Socket::new(Domain::IPV4, Type::SEQPACKET, None),
        ErrorCode::SocketTypeNotSupported,
    );
    let datagram = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    expect_code(
        "listen on a datagram socket, before any grant is checked",
        datagram.listen(1),
        ErrorCode::OperationNotSupported,
    );
    println!("protocols ok");
}
