//! Themes name colours by role. Bundled themes live in `themes/` (embedded);
//! a user's `themes/NAME.toml` in the config directory overrides or adds
//! one. A theme may name a `parent` and list only the roles it changes.

use crate::base::i18n::say;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

const BUNDLED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// The roles every theme must end up with (after its parents).
pub const ROLES: &[&str] = &[
    "text",
    "muted",
    "title",
    "accent",
    "border",
    "border_focus",
    "header",
    "selection_fg",
    "selection_bg",
    "ok",
    "warning",
    "error",
    "score_high",
    "score_low",
    "match",
    "gauge",
    "bar_fg",
    "bar_bg",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: Option<String>,
    parent: Option<String>,
    #[serde(default)]
    colors: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    colors: BTreeMap<String, Color>,
}

pub fn bundled_names() -> Vec<&'static str> {
    BUNDLED.iter().map(|(n, _)| *n).collect()
}

fn bundled(name: &str) -> Option<String> {
    BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.to_string())
}

pub fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Some(
        match s.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "reset" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" => Color::Gray,
            "dark_gray" | "dark_grey" => Color::DarkGray,
            "light_red" => Color::LightRed,
            "light_green" => Color::LightGreen,
            "light_yellow" => Color::LightYellow,
            "light_blue" => Color::LightBlue,
            "light_magenta" => Color::LightMagenta,
            "light_cyan" => Color::LightCyan,
            "white" => Color::White,
            _ => return None,
        },
    )
}

impl Theme {
    /// Loads a theme by name, following parents; `user_dir` is searched
    /// before the bundled themes.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
        // (name, from the user's folder, file), child first. A user's theme
        // may name the bundled theme it shadows as its parent (`dark.toml`
        // with parent = "dark" changes a few roles of the bundled dark).
        let mut chain: Vec<(String, bool, ThemeFile)> = Vec::new();
        let mut next = Some(name.to_string());
        let mut dir = user_dir;
        while let Some(n) = next {
            let user = dir.and_then(|d| std::fs::read_to_string(d.join(format!("{n}.toml"))).ok());
            let from_user = user.is_some();
            let text = match user {
                Some(t) => t,
                None => bundled(&n).ok_or_else(|| {
                    say(
                        format!("没有主题 {n:?}(内置主题:{})", bundled_names().join("、")),
                        format!("no theme {n:?} (bundled: {})", bundled_names().join(", ")),
                    )
                })?,
            };
            if chain.len() > 8 || chain.iter().any(|(c, u, _)| *c == n && *u == from_user) {
                return Err(say(
                    format!("主题 {name}:在 {n} 处父主题循环"),
                    format!("theme {name}: parent loop at {n}"),
                ));
            }
            let file: ThemeFile = toml::from_str(&text).map_err(|e| {
                say(
                    format!("主题 {n}:{}", e.message()),
                    format!("theme {n}: {}", e.message()),
                )
            })?;
            next = file.parent.clone();
            if next.as_deref() == Some(n.as_str()) {
                dir = None;
            }
            chain.push((n, from_user, file));
        }
        let mut colors = BTreeMap::new();
        for (n, _, file) in chain.iter().rev() {
            for (role, value) in &file.colors {
                if !ROLES.contains(&role.as_str()) {
                    return Err(say(
                        format!("主题 {n}:未知的角色 {role:?}"),
                        format!("theme {n}: unknown role {role:?}"),
                    ));
                }
                let c = parse_color(value).ok_or_else(|| {
                    say(
                        format!("主题 {n}:{role} = {value:?} 不是颜色"),
                        format!("theme {n}: {role} = {value:?} is not a colour"),
                    )
                })?;
                colors.insert(role.clone(), c);
            }
        }
        for role in ROLES {
            if !colors.contains_key(*role) {
                return Err(say(
                    format!("主题 {name}:角色 {role} 没有颜色"),
                    format!("theme {name}: role {role} has no colour"),
                ));
            }
        }
        Ok(Theme {
            name: name.to_string(),
            colors,
        })
    }

    pub fn color(&self, role: &str) -> Color {
        self.colors.get(role).copied().unwrap_or(Color::Reset)
    }

    pub fn fg(&self, role: &str) -> Style {
        Style::new().fg(self.color(role))
    }

    pub fn text(&self) -> Style {
        self.fg("text")
    }
    pub fn muted(&self) -> Style {
        self.fg("muted")
    }
    pub fn title(&self) -> Style {
        self.fg("title").add_modifier(Modifier::BOLD)
    }
    pub fn selection(&self) -> Style {
        Style::new()
            .fg(self.color("selection_fg"))
            .bg(self.color("selection_bg"))
    }
    pub fn border(&self, focused: bool) -> Style {
        self.fg(if focused { "border_focus" } else { "border" })
    }
    pub fn bar(&self) -> Style {
        Style::new()
            .fg(self.color("bar_fg"))
            .bg(self.color("bar_bg"))
    }
    /// A score out of 100: high from 80, low under 60, else plain text.
    pub fn score(&self, of_100: f64) -> Style {
        if of_100 >= 80.0 {
            self.fg("score_high")
        } else if of_100 < 60.0 {
            self.fg("score_low")
        } else {
            self.text()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_theme_loads_with_every_role() {
        for name in bundled_names() {
            let t = Theme::load(name, None).unwrap_or_else(|e| panic!("{e}"));
            for role in ROLES {
                assert!(t.colors.contains_key(*role), "{name} lacks {role}");
            }
        }
    }

    #[test]
    fn parent_fills_roles_a_child_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "parent = \"dark\"\n[colors]\nerror = \"#ff0000\"\n",
        )
        .unwrap();
        let t = Theme::load("mine", Some(dir.path())).unwrap();
        assert_eq!(t.color("error"), Color::Rgb(255, 0, 0));
        assert_eq!(
            t.color("text"),
            Theme::load("dark", None).unwrap().color("text")
        );
    }

    #[test]
    fn a_user_file_can_extend_the_bundled_theme_it_shadows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dark.toml"),
            "parent = \"dark\"\n[colors]\nerror = \"#ff0000\"\n",
        )
        .unwrap();
        let t = Theme::load("dark", Some(dir.path())).unwrap();
        assert_eq!(t.color("error"), Color::Rgb(255, 0, 0));
        assert_eq!(
            t.color("text"),
            Theme::load("dark", None).unwrap().color("text")
        );
    }

    #[test]
    fn bad_colours_and_roles_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.toml"),
            "parent = \"dark\"\n[colors]\ntext = \"#12\"\n",
        )
        .unwrap();
        assert!(
            Theme::load("bad", Some(dir.path()))
                .unwrap_err()
                .contains("text")
        );
        std::fs::write(
            dir.path().join("odd.toml"),
            "parent = \"dark\"\n[colors]\nsparkle = \"red\"\n",
        )
        .unwrap();
        assert!(
            Theme::load("odd", Some(dir.path()))
                .unwrap_err()
                .contains("sparkle")
        );
        assert!(Theme::load("nope", None).is_err());
    }
}
