//! Prints the local and peer address of every inherited socket, as the
//! guest sees them: Unix paths beneath a granted directory read as the
//! guest's name for them, any other host path as unnamed.

use wasock::socket::take_inherited_sockets;

fn main() {
    for socket in take_inherited_sockets().unwrap() {
        let local = socket.local_addr().unwrap();
        match socket.peer_addr() {
            Ok(peer) => println!("local {local:?}, peer {peer:?}"),
            Err(error) => println!("local {local:?}, no peer: {error}"),
        }
    }
}
