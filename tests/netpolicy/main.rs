//! The NetworkPolicy evaluator against tables written from the API reference and the concepts
//! page, the check matrix's NET fixtures, and the helpers the network findings use.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod helpers;
mod properties;
mod reference_peers;
mod reference_ports;
mod reference_spec;
mod support;
