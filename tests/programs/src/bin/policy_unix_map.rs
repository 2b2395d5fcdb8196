//! A host directory granted under another name: `--allow-unix
//! HOST_DIR::/sandbox/run`. Guest paths under /sandbox/run resolve beneath
//! HOST_DIR, the host's own name for it means nothing to the guest, and
//! every address the guest is told is in its own view.
//!
//! `policy_unix_map HOST_DIR`: HOST_DIR holds `native.sock`, a listener
//! that greets with `hello`, and `native.dgram`, a datagram socket. Prints
//! `listening` once /sandbox/run/guest.sock listens (the host connects to
//! it and sends `from host`), then `datagram ready` once
//! /sandbox/run/guest.dgram is bound (the host sends `dgram` to it from
//! native.dgram, and expects `reply` back).

use std::io::Read;
use std::path::Path;

use wasock::unix::{UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{args, expect_denied};

const GUEST_DIR: &str = "/sandbox/run";

fn main() {
    let host_dir = &args()[0];
    let native = format!("{GUEST_DIR}/native.sock");
    let mut stream = UnixStream::connect(&native).expect("the guest's name for it");
    let mut greeting = String::new();
    stream.read_to_string(&mut greeting).unwrap();
    assert_eq!(greeting, "hello");
    assert_eq!(
        stream.peer_addr().unwrap().as_pathname(),
        Some(Path::new(&native))
    );

    expect_denied(
        "the host's name for it",
        UnixStream::connect(format!("{host_dir}/native.sock")),
    );
    expect_denied(
        "dot-dot out of the guest directory",
        UnixStream::connect(format!("{GUEST_DIR}/../run/native.sock")),
    );
    expect_denied(
        "beside the guest directory",
        UnixListener::bind("/sandbox/other.sock"),
    );

    let path = format!("{GUEST_DIR}/guest.sock");
    let listener = UnixListener::bind(&path).expect("binding in the guest directory");
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(Path::new(&path))
    );
    println!("listening");
    let (mut accepted, peer) = listener.accept().unwrap();
    assert!(peer.is_unnamed(), "an unbound native peer: {peer:?}");
    let mut message = String::new();
    accepted.read_to_string(&mut message).unwrap();
    assert_eq!(message, "from host");

    let path = format!("{GUEST_DIR}/guest.dgram");
    let datagram = UnixDatagram::bind(&path).unwrap();
    println!("datagram ready");
    let mut buffer = [0; 16];
    let (n, from) = datagram.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"dgram");
    let source = format!("{GUEST_DIR}/native.dgram");
    assert_eq!(
        from.as_pathname(),
        Some(Path::new(&source)),
        "the host path of a peer reads as the guest's"
    );
    datagram.send_to(b"reply", &source).unwrap();
    println!("mapped");
}
