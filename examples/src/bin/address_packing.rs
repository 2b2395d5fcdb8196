//! Converts addresses between their text and their packed bytes: IPv4 with
//! `inet_aton`/`inet_ntoa`, IPv6 with `inet_pton`/`inet_ntop`.
//!
//! Usage: `address_packing`.

use wasock::inet::{inet_aton, inet_ntoa, inet_ntop, inet_pton};
use wasock::socket::Domain;
use wasock_examples::{OrExit, py_bytes_repr};

/// `binascii.hexlify`: the bytes as lower-case hex digits, themselves bytes.
fn hexlify(packed: &[u8]) -> String {
    let hex: String = packed.iter().map(|byte| format!("{byte:02x}")).collect();
    py_bytes_repr(hex.as_bytes())
}

fn main() {
    for string_address in ["192.168.1.1", "127.0.0.1"] {
        let packed = inet_aton(string_address).or_exit();
        println!("Original: {string_address}");
        println!("Packed  : {}", hexlify(&packed));
        println!("Unpacked: {}", inet_ntoa(&packed).or_exit());
        println!();
    }

    let string_address = "2002:ac10:10a:1234:21e:52ff:fe74:40e";
    let packed = inet_pton(Domain::IPV6, string_address).or_exit();
    println!("Original: {string_address}");
    println!("Packed  : {}", hexlify(&packed));
    println!("Unpacked: {}", inet_ntop(Domain::IPV6, &packed).or_exit());
}
