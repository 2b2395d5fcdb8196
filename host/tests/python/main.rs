//! `wasock python`: every Python example and every surface script runs
//! unchanged inside wasm and with the machine's CPython, and the two print
//! the same (ephemeral ports normalised).
//!
//! The tests are skipped, with a printed reason, when the Python component
//! could not be built (PyPI unreachable); the comparison with CPython is
//! skipped, with a printed reason, when the machine has no `python3`.

mod command;
mod examples;
mod harness;
mod inherited;
mod pairs;
mod surface;
