//! The bottom layer: small helpers every other layer may use: display
//! width and wrapping ([`text`]), the interface language ([`i18n`]), files
//! written whole ([`files`]), text folded for search ([`fold`]) and its
//! pinyin spellings ([`pinyin`]). Nothing here imports any other part of jury.

pub mod files;
pub mod fold;
pub mod i18n;
pub mod pinyin;
pub mod text;
