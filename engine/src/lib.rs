//! flowhook engine: packet capture, decoding, bidirectional flows, protocol
//! dissectors, the per-flow field table, the hook interface and exporters.
//!
//! Data path: [`capture`] reads frames (live or from a file) and shards them by
//! a symmetric hash of the IP endpoints over bounded crossbeam channels to the
//! flow workers ([`pipeline`]). Each worker owns its flows ([`flow`]), decodes
//! ([`decode`]), reassembles fragments and TCP streams, runs the dissectors
//! ([`dissect`]) and, when a flow ends, builds its [`table::FieldTable`] once.
//! One exporter thread hands that table to every hook ([`hook`]) and output
//! ([`export`]) in turn.
#![deny(unsafe_code)]

mod bytes;
pub mod capture;
pub mod config;
pub mod decode;
pub mod dissect;
pub mod export;
pub mod flow;
pub mod geo;
pub mod hook;
pub mod pipeline;
pub mod stats;
pub mod table;

pub use config::Config;
pub use pipeline::{run, RunError, RunSummary};
