//! Connecting to denied ports through a granted name: the policy grants
//! `localhost:GRANTED` only. Other ports of the same name, or of the
//! addresses it resolves to, are denied.
//!
//! `hostile_granted_name GRANTED DENIED`: both are native listeners on
//! 127.0.0.1; the granted one greets with `hello`.

use std::io::Read;

use wasock::lookup::lookup_host;
use wasock::net::TcpStream;
use wasock_test_programs::{args, expect_denied};

fn main() {
    let args = args();
    let (granted, denied) = (&args[0], &args[1]);
    expect_denied(
        "the name on a denied port",
        TcpStream::connect(format!("localhost:{denied}")),
    );
    expect_denied(
        "its address on a denied port",
        TcpStream::connect(format!("127.0.0.1:{denied}")),
    );
    for address in lookup_host(format!("localhost:{denied}")).unwrap() {
        expect_denied(
            &format!("{address} on a denied port"),
            TcpStream::connect(address),
        );
    }
    let mut stream =
        TcpStream::connect(format!("127.0.0.1:{granted}")).expect("the granted port works");
    let mut greeting = [0; 5];
    stream.read_exact(&mut greeting).unwrap();
    assert_eq!(&greeting, b"hello");
    println!("name confined");
}
