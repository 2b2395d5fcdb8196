//! Unix-domain echo client: the TCP echo client over a socket file. When it
//! cannot connect it prints the error, e.g. `[Errno 2] No such file or
//! directory`, and exits with status 1.
//!
//! Usage: `uds_echo_client [path=./uds_socket]`.

use std::process;

use wasock::unix::UnixStream;
use wasock_examples::{OrExit, args, echo_client};

fn main() {
    let [server_address] = args(["./uds_socket"]);
    println!("connecting to {server_address}");
    let sock = match UnixStream::connect(&server_address) {
        Ok(sock) => sock,
        Err(msg) => {
            println!("{msg}");
            process::exit(1);
        }
    };

    let result = echo_client(&sock);
    println!("closing socket");
    drop(sock);
    result.or_exit();
}
