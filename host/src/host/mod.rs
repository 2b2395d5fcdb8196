//! Thin adapters from the generated WIT traits to the core: a table lookup,
//! a conversion and a call.

pub(crate) mod bounded;
mod convert;
mod message;
mod options;
mod poller;
pub(crate) mod quota;
mod resolver;
mod socket;
mod types;
