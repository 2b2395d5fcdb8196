//! Prints the host-database entry of host names: the official name, the
//! aliases and the addresses, or the error for a name it cannot find.
//!
//! Usage: `gethostbyname_ex [host=the host name]`: looks up `localhost`,
//! the host, and a name that does not exist.

use wasock::lookup::{gethostbyname_ex, gethostname};
use wasock_examples::{args, py_str_list};

fn main() {
    let [host] = args([""]);
    let host = if host.is_empty() { gethostname() } else { host };
    for host in ["localhost", &host, "wasock-unknown.invalid"] {
        println!("{host}");
        match gethostbyname_ex(host) {
            Ok(entry) => {
                println!("  Hostname: {}", entry.name);
                println!("  Aliases : {}", py_str_list(&entry.aliases));
                println!(" Addresses: {}", py_str_list(&entry.addresses));
            }
            Err(err) => println!("ERROR: {err}"),
        }
        println!();
    }
}
