//! Looks up the name of an address: a reverse lookup.
//!
//! Usage: `gethostbyaddr [address=127.0.0.1]`.

use wasock::lookup::gethostbyaddr;
use wasock_examples::{OrExit, args, py_str_list};

fn main() {
    let [address] = args(["127.0.0.1"]);
    let entry = gethostbyaddr(&address).or_exit();

    println!("Hostname : {}", entry.name);
    println!("Aliases  : {}", py_str_list(&entry.aliases));
    println!("Addresses: {}", py_str_list(&entry.addresses));
}
