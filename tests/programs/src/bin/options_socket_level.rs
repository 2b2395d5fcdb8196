//! `SOL_SOCKET` options: low watermarks, `SO_RCVTIMEO`/`SO_SNDTIMEO` as
//! values, `SO_DONTROUTE`, `SO_PRIORITY`, `SO_PASSCRED`, `SO_PEERCRED`,
//! `SO_TIMESTAMP`. Needs no grant. Arguments: the host process's pid,
//! effective uid and effective gid, which a socketpair's peer credentials
//! must report.

use std::time::Duration;

use wasock::ErrorCode;
use wasock::socket::{Domain, Socket, SocketOption, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let [pid, uid, gid] = [0, 1, 2].map(|i| {
        args.get(i)
            .and_then(|a| a.parse::<i64>().ok())
            .expect("arguments: PID UID GID")
    });

    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(tcp.recv_lowat().unwrap(), 1, "the default SO_RCVLOWAT");
    tcp.set_recv_lowat(5).unwrap();
    assert_eq!(tcp.recv_lowat().unwrap(), 5);
    tcp.set_recv_lowat(0).unwrap();
    assert_eq!(tcp.recv_lowat().unwrap(), 1, "Linux counts 0 as 1");
    expect_code(
        "SO_RCVLOWAT beyond an int",
        tcp.set_recv_lowat(u32::MAX),
        ErrorCode::InvalidArgument,
    );
    assert_eq!(tcp.send_lowat().unwrap(), 1, "SO_SNDLOWAT is always 1");
    expect_code(
        "SO_SNDLOWAT cannot change",
        tcp.set_send_lowat(5),
        ErrorCode::NotSupported,
    );

    for on in [true, false] {
        tcp.set_dontroute(on).unwrap();
        assert_eq!(tcp.dontroute().unwrap(), on);
        tcp.set_timestamp(on).unwrap();
        assert_eq!(tcp.timestamp().unwrap(), on);
    }
    for priority in [0, 3, 6] {
        tcp.set_priority(priority).unwrap();
        assert_eq!(tcp.priority().unwrap(), priority);
    }
    expect_code(
        "SO_PRIORITY above 6",
        tcp.set_priority(7),
        ErrorCode::NotPermitted,
    );
    assert_eq!(
        tcp.priority().unwrap(),
        6,
        "a refused priority changes nothing"
    );

    assert_eq!(tcp.read_timeout().unwrap(), None, "no SO_RCVTIMEO at first");
    assert_eq!(
        tcp.write_timeout().unwrap(),
        None,
        "no SO_SNDTIMEO at first"
    );
    for timeout in [
        Duration::from_millis(200),
        Duration::from_nanos(1500),
        Duration::from_secs(86_400 * 365),
    ] {
        tcp.set_read_timeout(Some(timeout)).unwrap();
        assert_eq!(tcp.read_timeout().unwrap(), Some(timeout), "exact value");
        tcp.set_write_timeout(Some(timeout)).unwrap();
        assert_eq!(tcp.write_timeout().unwrap(), Some(timeout), "exact value");
    }
    tcp.set_read_timeout(Some(Duration::ZERO)).unwrap();
    assert_eq!(tcp.read_timeout().unwrap(), None, "zero means no limit");
    tcp.set_write_timeout(None).unwrap();
    assert_eq!(tcp.write_timeout().unwrap(), None);
    assert_eq!(
        tcp.timeout(),
        None,
        "SO_RCVTIMEO leaves the socket's mode alone"
    );

    let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    for on in [true, false] {
        a.set_passcred(on).unwrap();
        assert_eq!(a.passcred().unwrap(), on);
    }
    for end in [&a, &b] {
        let peer = end.peer_credentials().unwrap();
        println!("peer credentials: {peer:?}");
        assert_eq!(i64::from(peer.pid), pid, "the peer is the host process");
        assert_eq!(i64::from(peer.uid), uid);
        assert_eq!(i64::from(peer.gid), gid);
    }
    expect_code(
        "SO_PEERCRED is read-only",
        a.set_option(SocketOption::PeerCredentials(a.peer_credentials().unwrap())),
        ErrorCode::NotSupported,
    );
    println!("socket level ok");
}
