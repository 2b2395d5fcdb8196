//! Prints the name of the host, as the policy lets the guest see it.
//!
//! Usage: `gethostname`.

fn main() {
    println!("{}", wasock::lookup::gethostname());
}
