//! Unix-domain echo server: the TCP echo server over a socket file.
//!
//! Usage: `uds_echo_server [path=./uds_socket]`. A socket file left over at
//! `path` is removed first.

use std::fs;
use std::path::Path;

use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock::unix::{self, UnixListener};
use wasock_examples::{OrExit, args, echo_connection, fail, py_unix_addr};

fn main() {
    let [server_address] = args(["./uds_socket"]);

    // Make sure the socket does not already exist: as in Python, a failure
    // to remove it only matters when it is still there.
    if let Err(err) = fs::remove_file(&server_address)
        && Path::new(&server_address).exists()
    {
        fail(err);
    }

    let sock = Socket::new(Domain::UNIX, Type::STREAM, None).or_exit();
    println!("starting up on {server_address}");
    let addr = unix::SocketAddr::from_pathname(&server_address).or_exit();
    sock.bind(&SockAddr::Unix(addr)).or_exit();
    sock.listen(1).or_exit();
    let listener = UnixListener::from(sock);

    loop {
        println!("waiting for a connection");
        let (connection, client_address) = listener.accept().or_exit();
        let client = py_unix_addr(&client_address);
        println!("connection from {client}");
        let result = echo_connection(&connection, &client);
        drop(connection);
        result.or_exit();
    }
}
