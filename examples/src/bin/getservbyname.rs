//! Prints the port of the service named by each URL's scheme.
//!
//! Usage: `getservbyname`.

use wasock::lookup::getservbyname;
use wasock_examples::OrExit;

const URLS: &[&str] = &[
    "http://www.python.org",
    "https://www.mybank.com",
    "ftp://prep.ai.mit.edu",
    "gopher://gopher.micro.umn.edu",
    "smtp://mail.example.com",
    "imap://mail.example.com",
    "imaps://mail.example.com",
    "pop3://pop.example.com",
    "pop3s://pop.example.com",
];

fn main() {
    for url in URLS {
        let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
        let port = getservbyname(scheme, None).or_exit();
        println!("{scheme:>6} : {port}");
    }
}
