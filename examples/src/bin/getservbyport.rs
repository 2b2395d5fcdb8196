//! Prints a URL for the service on each well-known port.
//!
//! Usage: `getservbyport`.

use wasock::lookup::getservbyport;
use wasock_examples::OrExit;

fn main() {
    for port in [80, 443, 21, 70, 25, 143, 993, 110, 995] {
        let url = format!("{}://example.com/", getservbyport(port, None).or_exit());
        println!("{url}");
    }
}
