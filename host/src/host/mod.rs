//! Thin adapters from the generated WIT traits to the core: a table lookup,
//! a conversion and a call.

mod convert;
mod options;
mod resolver;
mod socket;
mod types;
