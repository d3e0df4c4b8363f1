//! Applying mutations to the store (the liveness driver's and tests'), and the container logs
//! it keeps beside the objects.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use super::log_buffer::{ContainerKey, ContainerLogs, LogEvent};
use super::resources::PODS;
use super::store::{Store, StoreError};
use crate::sim::mutation::Mutation;

impl Store {
    /// Applies one mutation from a scenario or a test.
    pub fn apply(&self, mutation: Mutation) -> Result<(), StoreError> {
        match mutation {
            Mutation::Upsert(object) => self.upsert(object).map(|_| ()),
            Mutation::Delete {
                api_version,
                kind,
                namespace,
                name,
            } => {
                let resource = self
                    .resolve_kind(&api_version, &kind)
                    .ok_or(StoreError::UnknownKind(api_version, kind))?;
                self.delete(resource, namespace.as_deref(), &name);
                Ok(())
            }
            Mutation::Log {
                namespace,
                pod,
                container,
                time,
                line,
            } => {
                self.append_log(
                    ContainerKey {
                        namespace,
                        pod,
                        container,
                    },
                    time,
                    line,
                );
                Ok(())
            }
            Mutation::ContainerRestarted {
                namespace,
                pod,
                container,
            } => {
                self.restart_container(ContainerKey {
                    namespace,
                    pod,
                    container,
                });
                Ok(())
            }
        }
    }

    pub fn append_log(&self, key: ContainerKey, time: jiff::Timestamp, line: String) {
        self.logs.append(key, time, line);
    }

    pub fn restart_container(&self, key: ContainerKey) {
        self.logs.restart(key);
    }

    /// A copy of one container's logs and a receiver for what follows.
    pub fn logs(&self, key: &ContainerKey) -> (ContainerLogs, broadcast::Receiver<LogEvent>) {
        self.logs.snapshot(key)
    }

    /// Deletes a pod; returns it if it existed.
    pub fn delete_pod(&self, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.delete(PODS, Some(namespace), name)
    }
}
