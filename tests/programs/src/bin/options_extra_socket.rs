//! `SOL_SOCKET` options after the first ones: `SO_DEBUG` (which needs
//! `CAP_NET_ADMIN`, so a guest may only clear it), `SO_INCOMING_CPU`,
//! `SO_PASSSEC` and `SO_PEERSEC`. Run with `--allow-bind 127.0.0.1/32:*`
//! and `--allow-connect 127.0.0.1/32:*`. Arguments, what Linux answers
//! natively on this host: setting `SO_PASSSEC` on a Unix socket, then on a
//! TCP socket (`ok`, `EOPNOTSUPP` or `ENOPROTOOPT`), and the `SO_PEERSEC`
//! of a Unix socketpair (`label:` and the label, or `ENOPROTOOPT`).

use std::io::{Read, Write};

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream};
use wasock::socket::{Domain, Socket, SocketOption, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let [passsec_unix, passsec_tcp, peersec] = [0, 1, 2].map(|i| {
        args.get(i)
            .cloned()
            .expect("arguments: PASSSEC_UNIX PASSSEC_TCP PEERSEC")
    });

    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    assert!(!tcp.debug().unwrap(), "SO_DEBUG starts off");
    expect_code("SO_DEBUG on", tcp.set_debug(true), ErrorCode::NotPermitted);
    assert!(!tcp.debug().unwrap(), "a refused SO_DEBUG changes nothing");
    tcp.set_debug(false).unwrap();
    assert!(!tcp.debug().unwrap());

    incoming_cpu(&tcp);

    let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    if expect_outcome(
        "SO_PASSSEC on a Unix socket",
        a.set_passsec(true),
        &passsec_unix,
    ) {
        assert!(a.passsec().unwrap());
        a.set_passsec(false).unwrap();
        assert!(!a.passsec().unwrap());
    }
    expect_outcome(
        "SO_PASSSEC on a TCP socket",
        tcp.set_passsec(true),
        &passsec_tcp,
    );

    for end in [&a, &b] {
        match peersec.strip_prefix("label:") {
            Some(label) => assert_eq!(end.peer_security().unwrap(), label),
            None => {
                expect_outcome("SO_PEERSEC without a label", end.peer_security(), &peersec);
            }
        }
    }
    expect_code(
        "SO_PEERSEC is read-only",
        a.set_option(SocketOption::PeerSecurity(String::new())),
        ErrorCode::NotSupported,
    );
    println!("extra socket ok");
}

/// `SO_INCOMING_CPU`: none until set or until packets arrive, any CPU
/// number that fits an int.
fn incoming_cpu(tcp: &Socket) {
    assert_eq!(
        tcp.cpu_affinity().unwrap(),
        None,
        "no CPU before any packet"
    );
    for cpu in [Some(0), Some(1), Some(4096), None] {
        tcp.set_cpu_affinity(cpu).unwrap();
        assert_eq!(tcp.cpu_affinity().unwrap(), cpu);
    }
    expect_code(
        "SO_INCOMING_CPU beyond an int",
        tcp.set_cpu_affinity(Some(u32::MAX)),
        ErrorCode::InvalidArgument,
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(b"cpu").unwrap();
    server.read_exact(&mut [0; 3]).unwrap();
    let cpu = Socket::from(server).cpu_affinity().unwrap();
    println!("incoming CPU after a segment: {cpu:?}");
    assert!(
        cpu.is_some(),
        "the kernel records the CPU of received packets"
    );
}

/// Assert that `result` is the native outcome `expected` (`ok` or an
/// errno's name); true if it succeeded.
fn expect_outcome<T: std::fmt::Debug>(
    what: &str,
    result: std::io::Result<T>,
    expected: &str,
) -> bool {
    let code = match expected {
        "ok" => {
            result.unwrap_or_else(|error| panic!("{what}: expected success, got {error}"));
            return true;
        }
        "EOPNOTSUPP" => ErrorCode::OperationNotSupported,
        "ENOPROTOOPT" => ErrorCode::NotSupported,
        other => panic!("{what}: unexpected native outcome {other}"),
    };
    expect_code(what, result, code);
    false
}
