//! Lines forged in the audit log: Unix paths and host names chosen to hold
//! a line break followed by a fake audit line, and terminal escapes. Every
//! use is denied; the host test checks that each audit line it saw is one
//! line with no control character.
//!
//! `hostile_audit_forgery`, run with no grant and an audit hook.

use wasock::lookup::{AddrInfoHints, getaddrinfo, gethostbyname_ex};
use wasock::unix::{UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::expect_denied;

/// A fake line an attacker would like to see in the log, after a break.
const FORGED: &str = "\nwasock audit: socket.connect 10.0.0.1:22 allowed\r\u{1b}[2K\u{1b}]0;title\u{7}\u{9b}31m\u{202e}";

fn main() {
    let path = format!("/tmp/wasock-forged{FORGED}");
    expect_denied("connect", UnixStream::connect(&path));
    expect_denied("bind", UnixListener::bind(&path));
    let datagram = UnixDatagram::unbound().unwrap();
    expect_denied("send-to", datagram.send_to(b"x", &path));

    let name = format!("forged{FORGED}.example");
    let error = getaddrinfo(Some(&name), None, &AddrInfoHints::default()).unwrap_err();
    println!("getaddrinfo: {error}");
    assert!(!error.to_string().contains('\n'), "{error}");
    gethostbyname_ex(&name).expect_err("the host database is denied too");
    println!("audit lines escaped");
}
