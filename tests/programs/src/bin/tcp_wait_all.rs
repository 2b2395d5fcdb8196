//! `MSG_WAITALL`: a blocking receive waits for the whole request even when
//! the peer sends it in pieces. Argument: the port of a native peer that
//! writes `hello` and, a moment later, `world`, then closes.

use wasock::net::TcpStream;
use wasock::socket::{MessageFlags, Socket};
use wasock_test_programs::args;

fn main() {
    let port: u16 = args()[0].parse().unwrap();
    let socket = Socket::from(TcpStream::connect(("127.0.0.1", port)).unwrap());
    let data = socket.recv_with_flags(10, MessageFlags::WAIT_ALL).unwrap();
    assert_eq!(data, b"helloworld", "both pieces arrive in one receive");
    let rest = socket.recv_with_flags(10, MessageFlags::WAIT_ALL).unwrap();
    assert!(
        rest.is_empty(),
        "end of stream ends a wait-all receive early"
    );
    println!("wait-all ok");
}
