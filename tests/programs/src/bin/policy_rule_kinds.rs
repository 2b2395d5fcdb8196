//! Rule kinds: by family, by host name and by port range. A native
//! listener on 127.0.0.1:PORT greets with `hello`.
//!
//! - `policy_rule_kinds family PORT`: run with `--allow-connect ipv4:PORT`.
//! - `policy_rule_kinds name PORT`: run with `--allow-connect
//!   localhost:PORT` (the addresses `localhost` resolved to when the policy
//!   was built).
//! - `policy_rule_kinds range PORT`: run with `--allow-connect
//!   127.0.0.1/32:PORT-PORT+1`.

use std::io::Read;

use wasock::net::TcpStream;
use wasock_test_programs::{args, expect_denied, expect_not_denied};

fn main() {
    let args = args();
    let port: u16 = args[1].parse().unwrap();
    let mut granted = TcpStream::connect(("127.0.0.1", port)).expect("the granted port");
    let mut greeting = String::new();
    granted.read_to_string(&mut greeting).unwrap();
    assert_eq!(greeting, "hello");
    expect_denied(
        "port - 1",
        TcpStream::connect(("127.0.0.1", port.wrapping_sub(1))),
    );
    match args[0].as_str() {
        "family" => {
            expect_not_denied(
                "another IPv4 address",
                TcpStream::connect(("127.0.0.2", port)),
            );
            expect_denied("IPv6", TcpStream::connect(("::1", port)));
            expect_denied("port + 1", TcpStream::connect(("127.0.0.1", port + 1)));
        }
        "name" => {
            expect_denied("another address", TcpStream::connect(("127.0.0.2", port)));
            expect_denied("port + 1", TcpStream::connect(("127.0.0.1", port + 1)));
        }
        "range" => {
            expect_not_denied("port + 1", TcpStream::connect(("127.0.0.1", port + 1)));
            expect_denied("port + 2", TcpStream::connect(("127.0.0.1", port + 2)));
            expect_denied("another address", TcpStream::connect(("127.0.0.2", port)));
        }
        other => panic!("unknown kind {other}"),
    }
    println!("rule kind enforced");
}
