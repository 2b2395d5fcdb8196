//! Prints the local and peer address of every inherited socket, as the
//! guest sees them: Unix paths beneath a granted directory read as the
//! guest's name for them, any other host path as unnamed. When they do
//! not fit the socket quota, says so: none is taken.

use wasock::socket::take_inherited_sockets;

fn main() {
    let sockets = match take_inherited_sockets() {
        Ok(sockets) => sockets,
        Err(error) => {
            println!("none taken: {error}");
            return;
        }
    };
    for socket in sockets {
        let local = socket.local_addr().unwrap();
        match socket.peer_addr() {
            Ok(peer) => println!("local {local:?}, peer {peer:?}"),
            Err(error) => println!("local {local:?}, no peer: {error}"),
        }
    }
}
