//! Paths of the guest programs, built for `wasm32-wasip2`.
//!
//! The build script compiles every bin of `wasock-examples` (`examples/src/bin`) and
//! `wasock-test-programs` (`tests/programs/src/bin`) in release mode. For each it emits a
//! constant named after the bin in upper case, such as `TCP_BIND` for `tcp_bind`, holding the absolute
//! path of the component; [`ALL`] lists them all.
//!
//! Every area has a macro that invokes a macro of yours once per program of that area,
//! so a test suite can prove it covers them all:
//!
//! ```
//! macro_rules! assert_test_exists {
//!     ($name:ident) => {
//!         assert!(wasock_artifacts::ALL.iter().any(|(name, _)| *name == stringify!($name)));
//!     };
//! }
//! wasock_artifacts::foreach_tcp!(assert_test_exists);
//! ```
//!
//! The areas are `example` (every example) and, for test programs named
//! `<area>_<case>`, `tcp`, `udp`, `unix`, `policy`, `timeout`, `poll`, `resolve`,
//! `options`, `socket`, `cli` and `bench`.
//!
//! [`TempDir`] gives the test suites their scratch directories.

#![deny(missing_docs)]

mod temp_dir;

pub use temp_dir::TempDir;

include!(concat!(env!("OUT_DIR"), "/artifacts.rs"));
