//! Path traversal and symlink escapes from a granted Unix directory.
//! Every attempt is denied or fails without touching anything outside;
//! paths that stay inside work.
//!
//! `hostile_path_escape GRANTED OUTSIDE`, run with `--allow-unix GRANTED`.
//! GRANTED holds `sub/`, `up` -> `..`, `abs` -> OUTSIDE, `sock` ->
//! `OUTSIDE/native.sock`, `dangling` -> `OUTSIDE/created.sock`, `magic` ->
//! `/proc/self/root` + `OUTSIDE/native.sock` and `loop` -> `loop`. OUTSIDE
//! holds `native.sock`, a native listener.

use wasock::ErrorCode;
use wasock::unix::{UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{args, code, expect_code, expect_denied};

fn main() {
    let args = args();
    let (granted, outside) = (&args[0], &args[1]);
    let connects = [
        format!("{outside}/native.sock"),
        format!("{granted}/../outside/native.sock"),
        format!("{granted}/sub/../../outside/native.sock"),
        format!("{granted}/./sub/../../outside/native.sock"),
        format!("{granted}/up/outside/native.sock"),
        format!("{granted}/abs/native.sock"),
        format!("{granted}/sock"),
        format!("{granted}/magic"),
        format!("{granted}/sub/../abs/native.sock"),
        "/proc/self/root/../native.sock".to_string(),
        "../../../../../../../../native.sock".to_string(),
    ];
    for path in &connects {
        expect_denied(&format!("connect {path}"), UnixStream::connect(path));
        let datagram = UnixDatagram::unbound().unwrap();
        expect_denied(&format!("send-to {path}"), datagram.send_to(b"x", path));
    }
    let binds = [
        format!("{outside}/escaped.sock"),
        format!("{granted}/../outside/escaped.sock"),
        format!("{granted}/up/outside/escaped.sock"),
        format!("{granted}/abs/escaped.sock"),
        format!("{granted}/sub/../../outside/escaped.sock"),
    ];
    for path in &binds {
        expect_denied(&format!("bind {path}"), UnixListener::bind(path));
    }
    expect_code(
        "bind over a dangling symlink",
        UnixListener::bind(format!("{granted}/dangling")),
        ErrorCode::AddressInUse,
    );
    let looped = UnixStream::connect(format!("{granted}/loop")).unwrap_err();
    assert!(
        matches!(
            code(&looped),
            ErrorCode::SymlinkLoop | ErrorCode::AccessDenied
        ),
        "a symlink loop fails: {looped}"
    );

    let inside = format!("{granted}/sub/../inside.sock");
    let listener = UnixListener::bind(&inside).expect("a path that stays inside works");
    UnixStream::connect(format!("{granted}/./inside.sock")).expect("and can be reached");
    listener.accept().unwrap();
    println!("escapes denied");
}
