//! TOML files: `kind = "call" | "panel" | "application"` names what a file
//! holds. Errors carry the line from the parser's span.

use super::source::{decode, line_of};
use super::{ImportError, Located, Origin, Record, SourceFile};
use crate::base::i18n::say;
use crate::domain::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFile {
    call: CallInfo,
    sections: Vec<Section>,
    regions: Vec<Region>,
    prefectures: Vec<Prefecture>,
    #[serde(default)]
    flags: Vec<FlagDef>,
    tiers: Vec<Tier>,
    rubrics: Vec<Rubric>,
    #[serde(default)]
    management: Management,
    #[serde(default)]
    rounds: Vec<Round>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PanelFile {
    #[serde(default)]
    members: Vec<Member>,
    #[serde(default)]
    conflicts: Vec<Conflict>,
    #[serde(default)]
    assignments: Vec<AssignmentList>,
}

/// One reviewer's applications in one round.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignmentList {
    round: String,
    member: String,
    applications: Vec<String>,
}

const KINDS: &str = "\"call\", \"panel\" or \"application\"";
const KINDS_ZH: &str = "\"call\"(通知)、\"panel\"(评审组)或 \"application\"(申报)";

pub(super) fn parse(file: &SourceFile) -> Result<Vec<Located>, Vec<ImportError>> {
    let text = decode(&file.name, &file.bytes).map_err(|e| vec![e])?;
    let name = file.name.as_str();
    let mut doc = toml::de::DeTable::parse(&text).map_err(|e| vec![toml_error(name, &text, &e)])?;
    let mut too_long = Vec::new();
    oversized(name, &text, doc.get_ref(), "", &mut too_long);
    if !too_long.is_empty() {
        return Err(too_long);
    }
    let kind = doc
        .get_ref()
        .get("kind")
        .map(|v| (v.get_ref().as_str().map(str::to_string), v.span()));
    let kind = match kind {
        Some((Some(k), _)) => k,
        Some((None, span)) => {
            return Err(vec![ImportError::new(
                Origin::at(name, line_of(&text, span.start)).field("kind"),
                say(format!("应为 {KINDS_ZH}"), format!("expected {KINDS}")),
            )]);
        }
        None => {
            return Err(vec![ImportError::new(
                Origin::at(name, 1).field("kind"),
                say(
                    format!("缺少:每个 TOML 文件以 kind = {KINDS_ZH} 开头"),
                    format!("missing: every TOML file starts with kind = {KINDS}"),
                ),
            )]);
        }
    };
    let kind_line = doc
        .get_ref()
        .get("kind")
        .map(|v| line_of(&text, v.span().start))
        .unwrap_or(1);
    doc.get_mut().remove("kind");
    let de = toml::de::Deserializer::from(doc);
    let here = |field: &str| Origin::file(name).field(field);
    match kind.as_str() {
        "call" => {
            let f: CallFile = typed(name, &text, de)?;
            let call = Call {
                info: f.call,
                sections: f.sections,
                regions: f.regions,
                prefectures: f.prefectures,
                flags: f.flags,
                tiers: f.tiers,
                rubrics: f.rubrics,
                management: f.management,
            };
            let problems = call.check();
            if !problems.is_empty() {
                return Err(problems
                    .into_iter()
                    .map(|p| ImportError::new(Origin::file(name), p))
                    .collect());
            }
            let rounds = f
                .rounds
                .into_iter()
                .map(|mut r| {
                    r.call = call.info.id.clone();
                    r
                })
                .collect();
            Ok(vec![Located {
                origin: Origin::file(name),
                record: Record::Call(Box::new(call), rounds),
            }])
        }
        "panel" => {
            let f: PanelFile = typed(name, &text, de)?;
            let mut out = Vec::new();
            for (i, m) in f.members.into_iter().enumerate() {
                out.push(Located {
                    origin: here(&format!("members[{i}] ({})", m.id)),
                    record: Record::Member(m),
                });
            }
            for (i, c) in f.conflicts.into_iter().enumerate() {
                out.push(Located {
                    origin: here(&format!("conflicts[{i}]")),
                    record: Record::Conflict(c),
                });
            }
            for (i, list) in f.assignments.into_iter().enumerate() {
                for app in list.applications {
                    out.push(Located {
                        origin: here(&format!("assignments[{i}] ({} → {app})", list.member)),
                        record: Record::Assignment(Assignment {
                            round: list.round.clone(),
                            member: list.member.clone(),
                            application: app,
                        }),
                    });
                }
            }
            Ok(out)
        }
        "application" => {
            let app: Application = typed(name, &text, de)?;
            Ok(vec![Located {
                origin: Origin::file(name),
                record: Record::Application(Box::new(app)),
            }])
        }
        other => Err(vec![ImportError::new(
            Origin::at(name, kind_line).field("kind"),
            say(
                format!("应为 {KINDS_ZH},实际为 {other:?}"),
                format!("expected {KINDS}, found {other:?}"),
            ),
        )]),
    }
}

/// Every string longer than the field limit, with its line and key path.
fn oversized(
    name: &str,
    text: &str,
    table: &toml::de::DeTable<'_>,
    path: &str,
    out: &mut Vec<ImportError>,
) {
    for (key, value) in table {
        let here = if path.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{path}.{}", key.get_ref())
        };
        oversized_value(name, text, value, &here, out);
    }
}

fn oversized_value(
    name: &str,
    text: &str,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &str,
    out: &mut Vec<ImportError>,
) {
    use toml::de::DeValue;
    match value.get_ref() {
        DeValue::String(s) if s.len() > super::MAX_FIELD_BYTES => {
            let origin = Origin::at(name, line_of(text, value.span().start)).field(path);
            out.push(super::field_too_long(origin, s.len()));
        }
        DeValue::Table(t) => oversized(name, text, t, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                oversized_value(name, text, item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn typed<T: DeserializeOwned>(
    name: &str,
    text: &str,
    de: toml::de::Deserializer<'_>,
) -> Result<T, Vec<ImportError>> {
    T::deserialize(de).map_err(|e| vec![toml_error(name, text, &e)])
}

/// Turns a toml error into file:line: field: message. The field is read
/// from the offending line (`key = value`) when the parser gives a span.
fn toml_error(name: &str, text: &str, e: &toml::de::Error) -> ImportError {
    let message = parser_message(e.message().trim());
    let Some(span) = e.span() else {
        return ImportError::new(Origin::file(name), message);
    };
    let line = line_of(text, span.start);
    let mut origin = Origin::at(name, line);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    if let Some((key, _)) = line_text.split_once('=') {
        let key = key.trim();
        if !key.is_empty() && !key.starts_with('[') && !key.contains('"') {
            origin = origin.field(key);
        }
    }
    ImportError::new(origin, message)
}

/// The TOML parser's message in the process's language. The parser (and
/// serde) word their messages in English; the usual ones are given a Chinese
/// form, the rest keep the parser's words after a Chinese lead.
fn parser_message(message: &str) -> String {
    if crate::base::i18n::process_lang() == crate::base::i18n::Lang::En {
        return message.to_string();
    }
    let rest = |prefix: &str| message.strip_prefix(prefix).map(str::to_string);
    if let Some(field) = rest("missing field ") {
        return format!("缺少字段 {field}");
    }
    if let Some(r) = rest("unknown field ") {
        return match r.split_once(", expected ") {
            Some((field, expected)) => format!("未知字段 {field},应为 {expected}"),
            None => format!("未知字段 {r}"),
        };
    }
    if let Some(r) = rest("unknown variant ") {
        return match r.split_once(", expected ") {
            Some((value, expected)) => format!("未知取值 {value},应为 {expected}"),
            None => format!("未知取值 {r}"),
        };
    }
    if let Some(r) = rest("invalid type: ") {
        return match r.split_once(", expected ") {
            Some((found, expected)) => format!("类型不符:应为 {expected},实际为 {found}"),
            None => format!("类型不符:{r}"),
        };
    }
    if let Some(r) = rest("duplicate key") {
        return format!("键重复{r}");
    }
    if !message.is_ascii() {
        // Our own messages (dates) are already in the process's language.
        return message.to_string();
    }
    format!("TOML 格式有误:{message}")
}
