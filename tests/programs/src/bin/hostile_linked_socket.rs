//! Giving an outside socket a name inside the granted directory. With a
//! WASI preopen that holds both the granted directory and sockets outside
//! it, a guest can hard-link an outside socket into the granted directory,
//! rename one in, or move in a whole directory holding one. Every connect
//! and send through such a name is denied: the socket was bound outside.
//! Sockets bound inside (by a native server, or by this guest) connect.
//!
//! `hostile_linked_socket ROOT`, run with ROOT preopened under its own
//! name and `ROOT/granted` granted for Unix sockets. ROOT/outside holds
//! the native listeners `native.sock`, `moved.sock`, `dir/inner.sock` and
//! the datagram socket `dgram.sock`; ROOT/granted holds `legit.sock`.

use std::fs;

use wasock::unix::{UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let root = &args()[0];
    let (granted, outside) = (format!("{root}/granted"), format!("{root}/outside"));

    let legit = UnixStream::connect(format!("{granted}/legit.sock"));
    assert!(legit.is_ok(), "a socket bound inside connects: {legit:?}");

    fs::hard_link(
        format!("{outside}/native.sock"),
        format!("{granted}/link.sock"),
    )
    .unwrap();
    expect_denied(
        "connect through a hard link",
        UnixStream::connect(format!("{granted}/link.sock")),
    );

    fs::rename(
        format!("{outside}/moved.sock"),
        format!("{granted}/moved.sock"),
    )
    .unwrap();
    expect_denied(
        "connect to a socket renamed in",
        UnixStream::connect(format!("{granted}/moved.sock")),
    );

    fs::rename(format!("{outside}/dir"), format!("{granted}/dir")).unwrap();
    expect_denied(
        "connect to a socket in a directory moved in",
        UnixStream::connect(format!("{granted}/dir/inner.sock")),
    );

    fs::hard_link(
        format!("{outside}/dgram.sock"),
        format!("{granted}/dgram.sock"),
    )
    .unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    expect_denied(
        "send-to through a hard link",
        sender.send_to(b"x", format!("{granted}/dgram.sock")),
    );

    let own = UnixListener::bind(format!("{granted}/own.sock")).unwrap();
    fs::hard_link(
        format!("{granted}/own.sock"),
        format!("{granted}/own-link.sock"),
    )
    .unwrap();
    for name in ["own.sock", "own-link.sock"] {
        let client = UnixStream::connect(format!("{granted}/{name}"));
        assert!(client.is_ok(), "{name}, bound inside, connects: {client:?}");
        own.accept().unwrap();
    }
    println!("links denied");
}
