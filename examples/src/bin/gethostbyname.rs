//! Translates host names into IPv4 addresses, printing the resolver's error
//! for a name it cannot translate.
//!
//! Usage: `gethostbyname [host=the host name]`: looks up `localhost`, the
//! host, and a name that does not exist.

use wasock::lookup::{gethostbyname, gethostname};
use wasock_examples::args;

fn main() {
    let [host] = args([""]);
    let host = if host.is_empty() { gethostname() } else { host };
    for host in ["localhost", &host, "wasock-unknown.invalid"] {
        match gethostbyname(host) {
            Ok(address) => println!("{host} : {address}"),
            Err(err) => println!("{host} : {err}"),
        }
    }
}
