//! Changing another process's view of a socket: a socket handed over (or
//! passed) shares its open file description, and with it `O_NONBLOCK`,
//! with the process that sent it. The guest receives and sends on a
//! stream its embedder keeps in blocking mode, waits on it with a timeout
//! and without one, and the embedder's end must still be blocking.
//!
//! `hostile_shared_description`, run with one inherited Unix stream whose
//! peer the test holds.

use std::time::{Duration, Instant};

use wasock::ErrorCode;
use wasock::socket::take_inherited_sockets;
use wasock_test_programs::{AT_ONCE, code};

fn main() {
    let inherited = take_inherited_sockets().unwrap();
    let stream = &inherited[0];
    stream.send_all(b"hello").unwrap();
    assert_eq!(stream.recv(5).unwrap(), b"howdy");

    stream.set_timeout(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let error = stream.recv(5).unwrap_err();
    assert_eq!(code(&error), ErrorCode::TimedOut, "{error}");
    assert!(started.elapsed() < AT_ONCE, "{:?}", started.elapsed());

    stream.set_timeout(None);
    stream.send_all(b"again").unwrap();
    assert_eq!(stream.recv(4).unwrap(), b"done", "a blocking receive waits");
    println!("shared description untouched");
}
