//! Dates arrive as TOML dates (`2016-12-15`) or as strings ("2016-12-15") from
//! JSON and CSV; both deserialize into a `NaiveDate`.

use crate::base::i18n::say;
use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // A TOML datetime may carry a time; the date is the first ten characters.
    let head = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%Y/%m/%d"))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y/%-m/%-d").ok())
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&say("日期,如 2016-12-15", "a date such as 2016-12-15"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse(v).ok_or_else(|| {
            E::custom(say(
                format!("应为日期,如 2016-12-15,实际为 {v:?}"),
                format!("expected a date such as 2016-12-15, found {v:?}"),
            ))
        })
    }

    // The toml crate hands dates over as a one-entry map.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
        let Some((_, value)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom(say(
                "应为日期,如 2016-12-15",
                "expected a date such as 2016-12-15",
            )));
        };
        self.visit_str(&value)
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_any(DateVisitor)
}

pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&date.format("%Y-%m-%d").to_string())
}

/// The same for an optional date.
pub mod option {
    use super::*;

    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<NaiveDate>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&say(
                "日期,如 2016-12-15,或留空",
                "a date such as 2016-12-15, or nothing",
            ))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            super::deserialize(d).map(Some)
        }
    }

    /// Accepts a date, or null (as stored JSON writes a missing date).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        d.deserialize_option(OptionVisitor)
    }

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => super::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}
