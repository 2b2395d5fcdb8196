//! Prints the number of each protocol and the `IPPROTO_*` constant of that
//! value.
//!
//! Usage: `getprotobyname`.

use wasock::lookup::getprotobyname;
use wasock_examples::{OrExit, protocol_name};

fn main() {
    for name in ["icmp", "udp", "tcp"] {
        let proto_num = getprotobyname(name).or_exit();
        let const_name = protocol_name(proto_num);
        let number = i32::from(proto_num);
        println!("{name:>4} -> {number:2} (socket.{const_name:<12} = {number:2})");
    }
}
