//! The bottom layer: small helpers every other layer may use: display
//! width and wrapping ([`text`]), the interface language ([`i18n`]), files
//! written whole ([`files`]). Nothing here imports any other part of jury.

pub mod files;
pub mod i18n;
pub mod text;
