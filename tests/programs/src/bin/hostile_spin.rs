//! Holding the host's thread: a guest that computes forever and never
//! makes a host call, or that waits forever in `accept`. Neither may keep
//! other guests on its thread from running, and both must stop at their
//! time limit or when the embedder stops them.
//!
//! `hostile_spin spin` prints `spinning` and computes forever;
//! `hostile_spin accept` prints `accepting on PORT` and waits in `accept`
//! on a loopback listener nobody connects to.

use std::hint::black_box;
use std::io::Write;

use wasock::net::TcpListener;
use wasock_test_programs::args;

/// Compute forever: a loop the compiler cannot remove, with no call out.
fn spin() -> ! {
    let mut state: u64 = 1;
    loop {
        state = black_box(state.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

fn main() {
    match args()[0].as_str() {
        "spin" => {
            println!("spinning");
            std::io::stdout().flush().unwrap();
            spin();
        }
        "accept" => {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            println!("accepting on {}", listener.local_addr().unwrap().port());
            std::io::stdout().flush().unwrap();
            let accepted = listener.accept();
            panic!("nobody connects, yet accept returned {accepted:?}");
        }
        mode => panic!("unknown mode {mode}"),
    }
}
