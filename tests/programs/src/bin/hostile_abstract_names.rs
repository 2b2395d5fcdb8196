//! Abstract Unix names outside the granted prefix: binding, connecting,
//! sending to them and autobinding are all denied; names with the prefix
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

    let inside = name(&format!("{prefix}inside"));
    let listener = UnixListener::bind_addr(&inside).expect("a name with the prefix works");
    UnixStream::connect_addr(&inside).expect("and can be reached");
    listener.accept().unwrap();
    println!("abstract confined");
}
