//! The search query language: free words (fuzzy, pinyin), "exact phrases",
//! -excluded words, and filters tier: city: year: round: dec: grade:
//! score: flag:.

use crate::base::fold::fold;
use crate::base::i18n::say;

#[derive(Debug, Clone, PartialEq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Tier(String),
    City(String),
    Year(i32),
    Round(String),
    Decision(String),
    Grade(String),
    Score(Cmp, f64),
    Flag(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// Words every result must match (fuzzy, substring or pinyin).
    pub words: Vec<String>,
    /// Exact phrases (folded substrings).
    pub phrases: Vec<String>,
    /// Words no result may contain.
    pub excluded: Vec<String>,
    pub filters: Vec<Filter>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.phrases.is_empty()
            && self.excluded.is_empty()
            && self.filters.is_empty()
    }
}

/// Splits on whitespace, keeping "quoted phrases" (straight or curly quotes) together.
fn tokens(q: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for c in q.chars() {
        match c {
            '"' | '“' | '”' => {
                if quoted {
                    out.push((std::mem::take(&mut cur), true));
                    was_quoted = false;
                } else if !cur.is_empty() && !cur.ends_with(':') && cur != "-" {
                    out.push((std::mem::take(&mut cur), false));
                } else {
                    was_quoted = true;
                }
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), was_quoted));
                }
                was_quoted = false;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push((cur, quoted || was_quoted));
    }
    out
}

/// Parses a query. Unknown `key:` prefixes stay plain words; a malformed
/// filter value is an error that says what was expected.
pub fn parse(q: &str) -> Result<Query, String> {
    let mut query = Query::default();
    for (token, quoted) in tokens(&fold(q)) {
        if token.is_empty() {
            continue;
        }
        if let Some((key, value)) = token.split_once(':')
            && !value.is_empty()
        {
            let filter = match key {
                "tier" | "层级" => Some(Filter::Tier(value.into())),
                "city" | "市州" => Some(Filter::City(value.into())),
                "year" | "年度" => Some(Filter::Year(value.parse().map_err(|_| {
                    say(
                        format!("year:应为年份,如 2018,实际为 {value:?}"),
                        format!("year: expected a year such as 2018, found {value:?}"),
                    )
                })?)),
                "round" | "轮次" => Some(Filter::Round(value.into())),
                "dec" | "结果" => {
                    let v = crate::domain::Outcome::parse(value)
                        .map(crate::domain::Outcome::as_str)
                        .ok_or_else(|| {
                            say(
                                format!(
                                    "dec:应为 入选、备选、未入选、继续试点、限期整改、退出、递补(或 selected、reserve、rejected、continued、warned、exited、promoted),实际为 {value:?}"
                                ),
                                format!(
                                    "dec: expected selected, reserve, rejected, continued, warned, exited or promoted (or 入选、备选、未入选、继续试点、限期整改、退出、递补), found {value:?}"
                                ),
                            )
                        })?;
                    Some(Filter::Decision(v.into()))
                }
                "grade" | "等次" => Some(Filter::Grade(value.into())),
                "score" | "得分" => {
                    let (cmp, rest) = if let Some(r) = value.strip_prefix(">=") {
                        (Cmp::Ge, r)
                    } else if let Some(r) = value.strip_prefix("<=") {
                        (Cmp::Le, r)
                    } else if let Some(r) = value.strip_prefix('>') {
                        (Cmp::Gt, r)
                    } else if let Some(r) = value.strip_prefix('<') {
                        (Cmp::Lt, r)
                    } else if let Some(r) = value.strip_prefix('=') {
                        (Cmp::Eq, r)
                    } else {
                        (Cmp::Eq, value)
                    };
                    let v: f64 = rest.parse().map_err(|_| {
                        say(
                            format!("score:应为数字,如 >80,实际为 {value:?}"),
                            format!("score: expected a number such as >80, found {value:?}"),
                        )
                    })?;
                    Some(Filter::Score(cmp, v))
                }
                "flag" | "标记" => Some(Filter::Flag(value.into())),
                _ => None,
            };
            if let Some(f) = filter {
                query.filters.push(f);
                continue;
            }
        }
        if quoted {
            query.phrases.push(token);
        } else if let Some(rest) = token.strip_prefix('-').filter(|r| !r.is_empty()) {
            query.excluded.push(rest.to_string());
        } else {
            query.words.push(token);
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_filters_phrases_and_exclusions() {
        let q = parse("cs dec:selected  tier:镇 \"边界 口岸\" -退出 score:>80 year:2018 flag:口子镇 city:怀化").unwrap();
        assert_eq!(q.words, vec!["cs"]);
        assert_eq!(q.phrases, vec!["边界 口岸"]);
        assert_eq!(q.excluded, vec!["退出"]);
        assert_eq!(
            q.filters,
            vec![
                Filter::Decision("selected".into()),
                Filter::Tier("镇".into()),
                Filter::Score(Cmp::Gt, 80.0),
                Filter::Year(2018),
                Filter::Flag("口子镇".into()),
                Filter::City("怀化".into()),
            ]
        );
    }

    #[test]
    fn full_width_forms_and_errors() {
        let q = parse("ＴＩＥＲ：镇 score：＞＝７５").unwrap();
        assert_eq!(
            q.filters,
            vec![Filter::Tier("镇".into()), Filter::Score(Cmp::Ge, 75.0)]
        );
        assert!(parse("year:next").unwrap_err().contains("year"));
        assert!(parse("dec:maybe").is_err());
        // Assessment outcomes, in either language.
        for (text, outcome) in [
            ("dec:退出", "exited"),
            ("dec:warned", "warned"),
            ("dec:递补", "promoted"),
        ] {
            let q = parse(text).unwrap();
            assert!(
                matches!(&q.filters[..], [Filter::Decision(d)] if d == outcome),
                "{text}"
            );
        }
        assert_eq!(parse("http://x").unwrap().words, vec!["http://x"]);
        assert!(parse("   ").unwrap().is_empty());
        assert_eq!(
            parse("\"unterminated").unwrap().phrases,
            vec!["unterminated"]
        );
    }
}
