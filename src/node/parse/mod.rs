//! Parsers of node files and command outputs, one per format. Pure: text in, data out.

pub mod command_line;
pub mod crictl;
pub mod iptables;
pub mod ipvsadm;
pub mod kube_proxy_config;
pub mod kubeconfig;
pub mod kubelet_config;
pub mod manifest;
pub mod nft;
pub mod proc_net;
pub mod runtime_config;
pub mod systemctl;
pub mod systemd_unit;
