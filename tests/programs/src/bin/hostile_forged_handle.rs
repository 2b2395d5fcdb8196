//! Calls the socket interface with handles that name no socket of this
//! guest; each must trap this guest and nothing else.
//!
//! `hostile_forged_handle MODE`: `forged` (an index never handed out),
//! `stale` (the index of a dropped socket), `poller` (a poller's index used
//! as a socket) or `dropped-twice` (a socket dropped through two owners).
//! Prints `calling`; reaching the end prints `survived`.

use wasock::bindings::wasock::sockets::socket::{Socket, create_poller, create_socket};
use wasock::bindings::wasock::sockets::types::{AddressFamily, SocketType};

fn main() {
    let mode = std::env::args().nth(1).expect("a mode");
    let socket = || create_socket(AddressFamily::Inet, SocketType::Stream, 0).unwrap();
    // SAFETY (all below): the point of this program is to hand the host
    // handles that are not valid; the host must trap.
    let forged = match mode.as_str() {
        "forged" => unsafe { Socket::from_handle(0x00ba_dbad) },
        "stale" => {
            let dropped = socket();
            let index = dropped.handle();
            drop(dropped);
            unsafe { Socket::from_handle(index) }
        }
        "poller" => {
            let poller = create_poller().unwrap();
            unsafe { Socket::from_handle(poller.take_handle()) }
        }
        "dropped-twice" => {
            let first = socket();
            let second = unsafe { Socket::from_handle(first.handle()) };
            drop(first);
            println!("calling");
            drop(second);
            println!("survived");
            return;
        }
        other => panic!("unknown mode {other}"),
    };
    println!("calling");
    let result = forged.local_address();
    println!("survived: {result:?}");
}
