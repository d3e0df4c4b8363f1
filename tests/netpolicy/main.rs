//! The NetworkPolicy evaluator against tables written from the API reference and the concepts
//! page, the check matrix's NET fixtures, and the helpers the network findings use.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod helpers;
mod properties;
mod reference_ip_blocks;
mod reference_isolation;
mod reference_label_selectors;
mod reference_named_ports;
mod reference_ports;
mod reference_rules;
mod reference_selectors;
mod support;
mod verdict_details;
