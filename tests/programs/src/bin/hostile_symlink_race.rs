//! Binds and connects again and again through `GRANTED/flip`, a symlink the
//! host swaps between `safe` (inside GRANTED) and OUTSIDE while this runs.
//! Whatever the timing, nothing may be created or reached outside: every
//! attempt either works inside `safe` or fails.
//!
//! `hostile_symlink_race GRANTED ROUNDS`, run with `--allow-unix GRANTED`.
//! Prints `bound: N denied: N other: N` for binds and the same for connects.

use std::collections::BTreeMap;

use wasock::unix::{UnixListener, UnixStream};
use wasock_test_programs::{args, code};

fn main() {
    let args = args();
    let granted = &args[0];
    let rounds: usize = args[1].parse().unwrap();
    let target = UnixListener::bind(format!("{granted}/safe/target.sock")).unwrap();
    target.set_nonblocking(true).unwrap();
    let (mut binds, mut connects) = (BTreeMap::new(), BTreeMap::new());
    for round in 0..rounds {
        let bound = UnixListener::bind(format!("{granted}/flip/bound-{round}.sock"));
        *binds.entry(label(bound.map(drop))).or_insert(0) += 1;
        let connected = UnixStream::connect(format!("{granted}/flip/target.sock"));
        if connected.is_ok() {
            target
                .accept()
                .expect("a connection that worked reached the safe listener");
        }
        *connects.entry(label(connected.map(drop))).or_insert(0) += 1;
    }
    println!("binds {binds:?}");
    println!("connects {connects:?}");
    println!("race done");
}

fn label(result: std::io::Result<()>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(error) => format!("{:?}", code(&error)),
    }
}
