//! socketpair: two connected Unix sockets; one side (the "parent") sends
//! `ping` and reads the reply, the other (the "child") reads `ping` and
//! answers `pong`.
//!
//! The classic program forks and gives each process one end; a guest has no
//! `fork`, so both ends live in this one program and take their turns.
//!
//! Usage: `socketpair`.

use wasock::socket::AsSocket;
use wasock::unix::UnixStream;
use wasock_examples::{OrExit, py_bytes_repr};

fn main() {
    let (parent, child) = UnixStream::pair().or_exit();

    println!("in parent, sending message");
    parent.as_socket().send_all(b"ping").or_exit();

    println!("in child, waiting for message");
    let message = child.as_socket().recv(1024).or_exit();
    println!("message from parent: {}", py_bytes_repr(&message));
    child.as_socket().send_all(b"pong").or_exit();
    drop(child);

    let response = parent.as_socket().recv(1024).or_exit();
    println!("response from child: {}", py_bytes_repr(&response));
}
