//! Compact, display-ready records of cluster objects. The watch tasks turn each full object into
//! a `Row` (a few short strings and numbers) so that tables of 50,000 pods never hold whole
//! `Pod`s with managedFields. Everything here is pure and unit tested.

pub mod age;
pub mod kind;
pub mod pod_status;
pub mod quantity;
pub mod row;

pub use kind::ResourceKind;
pub use row::{Cell, Health, ObjKey, Row, RowLinks};
pub mod build;
pub mod columns;
pub mod detail;

pub use columns::columns;
pub mod api;
pub mod secret;
pub mod usage;
