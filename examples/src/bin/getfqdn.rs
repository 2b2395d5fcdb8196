//! Prints the fully qualified name of host names.
//!
//! Usage: `getfqdn [host…]` (default: the host name and `localhost`).

use wasock::lookup::{getfqdn, gethostname};

fn main() {
    let mut hosts: Vec<String> = std::env::args().skip(1).collect();
    if hosts.is_empty() {
        hosts = vec![gethostname(), "localhost".into()];
    }
    for host in hosts {
        println!("{host:>10} : {}", getfqdn(&host));
    }
}
