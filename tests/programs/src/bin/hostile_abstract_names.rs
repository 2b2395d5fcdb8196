//! Abstract Unix names outside the granted prefix: binding, connecting,
//! sending to them and autobinding are all denied, and so is
//! `SO_PASSCRED` where Linux would autobind for it; names with the prefix
//! work.
//!
//! `hostile_abstract_names PREFIX OUTSIDE`, run with `--allow-abstract
//! PREFIX`; OUTSIDE names a native stream listener and `OUTSIDE-dgram` a
//! native datagram socket, both outside the prefix.

use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock::unix::{SocketAddr as UnixAddr, UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{args, expect_denied};

fn name(text: &str) -> UnixAddr {
    UnixAddr::from_abstract_name(text.as_bytes()).unwrap()
}

fn main() {
    let args = args();
    let (prefix, outside) = (&args[0], &args[1]);
    let outside_dgram = format!("{outside}-dgram");
    let short = &prefix[..prefix.len() - 1];
    for target in [outside.as_str(), outside_dgram.as_str(), short, ""] {
        expect_denied(
            &format!("connect @{target}"),
            UnixStream::connect_addr(&name(target)),
        );
        expect_denied(
            &format!("bind @{target}"),
            UnixListener::bind_addr(&name(target)),
        );
        let datagram = UnixDatagram::unbound().unwrap();
        expect_denied(
            &format!("send-to @{target}"),
            datagram.send_to_addr(b"x", &name(target)),
        );
        let socket = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
        expect_denied(
            &format!("send-msg @{target}"),
            socket.send_msg(
                &[b"x"],
                &[],
                MessageFlags::empty(),
                Some(&SockAddr::from(name(target))),
            ),
        );
    }
    let unnamed = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    expect_denied(
        "autobind",
        unnamed.bind(&SockAddr::from(UnixAddr::from_abstract_name(b"").unwrap())),
    );
    let seqpacket = Socket::new(Domain::UNIX, Type::SEQPACKET, None).unwrap();
    expect_denied(
        "seqpacket connect",
        seqpacket.connect(&SockAddr::from(name(outside))),
    );

    passed_credentials(prefix);

    let inside = name(&format!("{prefix}inside"));
    let listener = UnixListener::bind_addr(&inside).expect("a name with the prefix works");
    UnixStream::connect_addr(&inside).expect("and can be reached");
    listener.accept().unwrap();
    println!("abstract confined");
}

/// `SO_PASSCRED` on a Unix socket without a name makes Linux autobind it
/// (a random abstract name) on its next send or connect, where it could be
/// reached by that name: that needs the autobind grant, as an explicit
/// autobind does. A connected stream socket, which never autobinds for
/// it, and a named socket may pass credentials.
fn passed_credentials(prefix: &str) {
    for ty in [Type::STREAM, Type::DGRAM, Type::SEQPACKET] {
        let unbound = Socket::new(Domain::UNIX, ty, None).unwrap();
        expect_denied(
            &format!("SO_PASSCRED on an unbound {ty:?} socket"),
            unbound.set_passcred(true),
        );
    }
    for ty in [Type::DGRAM, Type::SEQPACKET] {
        let (a, _b) = Socket::pair(Domain::UNIX, ty, None).unwrap();
        expect_denied(
            &format!("SO_PASSCRED on one of a {ty:?} pair"),
            a.set_passcred(true),
        );
    }
    let receiver = name(&format!("{prefix}credentials"));
    let _bound = UnixDatagram::bind_addr(&receiver).unwrap();
    let sender = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
    expect_denied("SO_PASSCRED before a send", sender.set_passcred(true));
    sender.send_to(b"x", &SockAddr::from(receiver)).unwrap();
    let local = sender.local_addr().unwrap();
    assert!(
        local.as_unix().is_some_and(UnixAddr::is_unnamed),
        "the sender was not autobound: {local:?}"
    );

    let (a, _b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    a.set_passcred(true)
        .expect("a connected stream socket never autobinds for it");
    let named = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
    named
        .bind(&SockAddr::from(name(&format!("{prefix}named"))))
        .unwrap();
    named
        .set_passcred(true)
        .expect("a named socket has nothing to autobind");
}
