//! The Python component behind `wasock python`.
//!
//! The build script installs componentize-py (pinned, from PyPI, into a
//! virtual environment under the cargo target directory) and builds
//! CPython with the pure-Python `_socket` and `select` of `app/` into a
//! component of the world in `wit/`. The component is cached by a digest
//! of its inputs, so it is built again only when they change, and copied
//! next to the `wasock` executable as `wasock-python.wasm`, where
//! `wasock python` looks for it.
//!
//! When PyPI cannot be reached (or the machine has no `python3`), the build
//! prints one warning, [`COMPONENT`] is `None` and [`UNAVAILABLE`] says why;
//! the build tries again next time.

#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/component.rs"));
