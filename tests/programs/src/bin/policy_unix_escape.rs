//! Run with `--allow-unix GRANTED`: paths that leave GRANTED through `..` or
//! symlinks are denied; paths inside work.
//! Arguments: GRANTED (contains `dirlink` -> ../outside and `socklink` ->
//! the outside socket) and OUTSIDE (holds `native.sock`, a listening socket).

use std::io::{Read, Write};

use wasock::unix::{UnixListener, UnixStream};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let args = args();
    let (granted, outside) = (&args[0], &args[1]);

    expect_denied(
        "outside the grant",
        UnixStream::connect(format!("{outside}/native.sock")),
    );
    expect_denied(
        "dot-dot",
        UnixStream::connect(format!("{granted}/../outside/native.sock")),
    );
    expect_denied(
        "dot-dot inside",
        UnixStream::connect(format!("{granted}/sub/../../outside/native.sock")),
    );
    expect_denied(
        "directory symlink",
        UnixStream::connect(format!("{granted}/dirlink/native.sock")),
    );
    expect_denied(
        "socket symlink",
        UnixStream::connect(format!("{granted}/socklink")),
    );
    expect_denied(
        "bind through a symlink",
        UnixListener::bind(format!("{granted}/dirlink/escaped.sock")),
    );
    expect_denied(
        "bind with dot-dot",
        UnixListener::bind(format!("{granted}/sub/../../outside/escaped.sock")),
    );

    let inside = format!("{granted}/inside.sock");
    let listener = UnixListener::bind(&inside).expect("binding inside the grant works");
    assert_eq!(
        listener
            .local_addr()
            .unwrap()
            .as_pathname()
            .unwrap()
            .to_str(),
        Some(inside.as_str())
    );
    let mut client = UnixStream::connect(&inside).expect("connecting inside the grant works");
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(b"ping").unwrap();
    let mut buffer = [0; 4];
    server.read_exact(&mut buffer).unwrap();
    assert_eq!(&buffer, b"ping");
    assert_eq!(
        client.peer_addr().unwrap().as_pathname().unwrap().to_str(),
        Some(inside.as_str())
    );
    println!("confined");
}
