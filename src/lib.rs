//! jury: a terminal review workstation for panels that score applications
//! under a call (tiers, criteria, rules) and settle a balanced list.
//!
//! Layers, from the bottom: [`domain`] (pure types and rules, no I/O),
//! [`store`] (SQLite, migrations, the audit chain), [`import`] (files in),
//! [`cli`] (commands). Nothing below `cli` prints.

pub mod auth;
pub mod cli;
pub mod domain;
pub mod export;
pub mod gendata;
pub mod i18n;
pub mod import;
pub mod pilots;
pub mod sample;
pub mod search;
pub mod sight;
pub mod store;
pub mod tally;
pub mod text;
pub mod timeline;
pub mod tui;
