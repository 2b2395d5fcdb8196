//! The benchmark's library part: what the end-to-end tests share with the
//! benchmark binary (`src/main.rs`).
#![deny(missing_docs)]

pub mod wasi_sockets;
