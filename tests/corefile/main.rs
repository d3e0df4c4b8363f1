//! The Corefile parser on real Corefiles (kubeadm's current and old defaults, k3s, a stub
//! domain from the Kubernetes DNS docs, EKS) and on broken ones (line numbers, no panics).
#![allow(clippy::unwrap_used)]

mod broken;
mod real;
