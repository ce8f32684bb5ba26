//! Commands and the keys bound to them. One table lists every command with
//! its context, names and default keys; the live keymap (defaults overridden
//! by the user's `keymap.toml`) feeds key dispatch, the status bar and the
//! help screen alike, so hints never go stale.

use crate::base::i18n::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Global,
    Picker,
    Queue,
    Review,
    Matrix,
    List,
    Search,
    Timeline,
}

impl Context {
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Picker,
        Context::Queue,
        Context::Review,
        Context::Matrix,
        Context::List,
        Context::Search,
        Context::Timeline,
    ];

    /// Commands here are the secretary's; they are hidden from other members.
    pub fn secretary_only(self) -> bool {
        matches!(self, Context::Matrix | Context::List)
    }

    pub fn id(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Picker => "picker",
            Context::Queue => "queue",
            Context::Review => "review",
            Context::Matrix => "matrix",
            Context::List => "list",
            Context::Search => "search",
            Context::Timeline => "timeline",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Context::Global => lang.pick("通用", "Everywhere"),
            Context::Picker => lang.pick("选择成员", "Member picker"),
            Context::Queue => lang.pick("评审队列", "Queue"),
            Context::Review => lang.pick("评分", "Review"),
            Context::Matrix => lang.pick("评审汇总(秘书)", "Panel matrix (secretary)"),
            Context::List => lang.pick("名单(秘书)", "The list (secretary)"),
            Context::Search => lang.pick("检索以往决定", "Search prior decisions"),
            Context::Timeline => lang.pick("申报履历", "Applicant timeline"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Help,
    Back,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    CycleTier,
    CyclePrefecture,
    CycleStatus,
    CycleSort,
    ClearFilters,
    NextField,
    PrevField,
    Increment,
    Decrement,
    ClearValue,
    EditComment,
    ExternalEditor,
    Submit,
    Reopen,
    DiscardKept,
    NextApplication,
    PrevApplication,
    NextTab,
    PrevTab,
    ScrollDown,
    ScrollUp,
    NotesDown,
    NotesUp,
    WidenLeft,
    WidenRight,
    TogglePane,
    OpenMatrix,
    OpenList,
    CycleMethod,
    Drill,
    ToggleDiscussed,
    DiscussionNote,
    AskRevisit,
    OverrideSelect,
    OverrideReserve,
    OverrideReject,
    ClearOverride,
    Advance,
    Finalise,
    OpenAssessment,
    Export,
    Search,
    Timeline,
}

pub struct Command {
    pub action: Action,
    pub context: Context,
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub keys: &'static [&'static str],
    /// Shown in the status bar (the keys that matter most on the screen).
    pub hint: bool,
}

macro_rules! cmd {
    ($ctx:ident, $action:ident, $id:literal, $zh:literal, $en:literal, [$($k:literal),*], $hint:literal) => {
        Command { action: Action::$action, context: Context::$ctx, id: $id, zh: $zh, en: $en, keys: &[$($k),*], hint: $hint }
    };
}

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    cmd!(Global, Help, "help", "帮助", "help", ["?", "f1"], true),
    cmd!(Global, Quit, "quit", "退出", "quit", ["q", "ctrl-c"], true),
    cmd!(Global, Search, "search", "检索以往决定", "search decisions", ["ctrl-f", "f3"], true),
    cmd!(Search, Up, "up", "上移", "up", ["up"], false),
    cmd!(Search, Down, "down", "下移", "down", ["down"], false),
    cmd!(Search, PageUp, "page_up", "上一页", "page up", ["pageup"], false),
    cmd!(Search, PageDown, "page_down", "下一页", "page down", ["pagedown"], false),
    cmd!(Search, Open, "open", "打开申报", "open the application", ["enter"], true),
    cmd!(Search, Back, "back", "返回", "back", ["esc"], true),
    cmd!(Search, Timeline, "timeline", "履历", "timeline", ["ctrl-t"], true),
    cmd!(Picker, Up, "up", "上移", "up", ["up", "k"], false),
    cmd!(Picker, Down, "down", "下移", "down", ["down", "j"], false),
    cmd!(Picker, Open, "open", "以此身份进入", "sign in as", ["enter"], true),
    cmd!(Queue, Up, "up", "上移", "up", ["up", "k"], false),
    cmd!(Queue, Down, "down", "下移", "down", ["down", "j"], false),
    cmd!(Queue, PageUp, "page_up", "上一页", "page up", ["pageup"], false),
    cmd!(Queue, PageDown, "page_down", "下一页", "page down", ["pagedown", "space"], false),
    cmd!(Queue, Top, "top", "第一项", "first", ["home", "g"], false),
    cmd!(Queue, Bottom, "bottom", "最后一项", "last", ["end", "G"], false),
    cmd!(Queue, Open, "open", "打开评分", "open", ["enter"], true),
    cmd!(Queue, Filter, "filter", "筛选", "filter", ["/"], true),
    cmd!(Queue, CycleTier, "cycle_tier", "按层级", "by tier", ["t"], true),
    cmd!(Queue, CyclePrefecture, "cycle_prefecture", "按市州", "by prefecture", ["c"], true),
    cmd!(Queue, CycleStatus, "cycle_status", "按状态", "by status", ["s"], true),
    cmd!(Queue, CycleSort, "cycle_sort", "排序", "sort", ["o"], true),
    cmd!(Queue, ClearFilters, "clear_filters", "清除筛选", "clear filters", ["x"], false),
    cmd!(Queue, Timeline, "timeline", "履历", "timeline", ["h"], false),
    cmd!(Review, NextField, "next_field", "下一评分项", "next criterion", ["down", "tab", "j"], false),
    cmd!(Review, PrevField, "prev_field", "上一评分项", "previous criterion", ["up", "backtab", "k"], false),
    cmd!(Review, Increment, "increment", "加 0.5 分", "+0.5", ["+", "="], true),
    cmd!(Review, Decrement, "decrement", "减 0.5 分", "−0.5", ["-"], true),
    cmd!(Review, ClearValue, "clear_value", "清空分值", "clear value", ["backspace", "delete"], false),
    cmd!(Review, EditComment, "edit_comment", "写评语", "comment", ["enter", "i"], true),
    cmd!(Review, ExternalEditor, "external_editor", "用 $EDITOR 写评语", "comment in $EDITOR", ["E"], false),
    cmd!(Review, Submit, "submit", "提交", "submit", ["S"], true),
    cmd!(Review, Reopen, "reopen", "撤回重评", "reopen", ["R"], false),
    cmd!(Review, DiscardKept, "discard_kept", "放弃保留的未保存评语", "discard a kept comment", ["D"], false),
    cmd!(Review, NextApplication, "next_application", "下一份", "next application", ["n", "ctrl-down"], true),
    cmd!(Review, PrevApplication, "prev_application", "上一份", "previous application", ["p", "ctrl-up"], false),
    cmd!(Review, NextTab, "next_tab", "材料下一栏", "next material tab", ["]", "right"], false),
    cmd!(Review, PrevTab, "prev_tab", "材料上一栏", "previous material tab", ["[", "left"], false),
    cmd!(Review, ScrollDown, "scroll_down", "材料下翻", "scroll material down", ["pagedown", "J"], false),
    cmd!(Review, ScrollUp, "scroll_up", "材料上翻", "scroll material up", ["pageup", "K"], false),
    cmd!(Review, NotesDown, "notes_down", "评分说明下翻", "scroll criterion notes down", ["}"], false),
    cmd!(Review, NotesUp, "notes_up", "评分说明上翻", "scroll criterion notes up", ["{"], false),
    cmd!(Review, WidenLeft, "widen_left", "左栏加宽", "widen material pane", [">"], false),
    cmd!(Review, WidenRight, "widen_right", "右栏加宽", "widen scoring pane", ["<"], false),
    cmd!(Review, TogglePane, "toggle_pane", "切换材料/评分(窄屏)", "switch pane (narrow screens)", ["w"], false),
    cmd!(Review, Back, "back", "返回队列", "back to queue", ["esc"], true),
    cmd!(Queue, OpenMatrix, "open_matrix", "评审汇总(秘书)", "panel matrix (secretary)", ["m"], true),
    cmd!(Matrix, Up, "up", "上移", "up", ["up", "k"], false),
    cmd!(Matrix, Down, "down", "下移", "down", ["down", "j"], false),
    cmd!(Matrix, PageUp, "page_up", "上一页", "page up", ["pageup"], false),
    cmd!(Matrix, PageDown, "page_down", "下一页", "page down", ["pagedown", "space"], false),
    cmd!(Matrix, CycleMethod, "cycle_method", "汇总方法", "aggregation method", ["a"], true),
    cmd!(Matrix, CycleSort, "cycle_sort", "排序", "sort", ["o"], true),
    cmd!(Matrix, Drill, "drill", "逐项评分", "every criterion", ["enter"], true),
    cmd!(Matrix, ToggleDiscussed, "toggle_discussed", "标记已讨论", "mark discussed", ["d"], true),
    cmd!(Matrix, DiscussionNote, "discussion_note", "讨论记录", "discussion note", ["n"], false),
    cmd!(Matrix, AskRevisit, "ask_revisit", "请专家复核", "ask a reviewer to revisit", ["v"], true),
    cmd!(Matrix, OpenList, "open_list", "名单", "the list", ["tab", "l"], true),
    cmd!(Matrix, Timeline, "timeline", "履历", "timeline", ["h"], true),
    cmd!(Matrix, Back, "back", "返回", "back", ["esc"], true),
    cmd!(List, Up, "up", "上移", "up", ["up", "k"], false),
    cmd!(List, Down, "down", "下移", "down", ["down", "j"], false),
    cmd!(List, PageUp, "page_up", "上一页", "page up", ["pageup"], false),
    cmd!(List, PageDown, "page_down", "下一页", "page down", ["pagedown", "space"], false),
    cmd!(List, OverrideSelect, "override_select", "调整为入选/继续", "override: select/continue", ["s"], true),
    cmd!(List, OverrideReserve, "override_reserve", "调整为备选/整改", "override: reserve/warn", ["r"], true),
    cmd!(List, OverrideReject, "override_reject", "调整为未入选/退出", "override: reject/exit", ["x"], true),
    cmd!(List, ClearOverride, "clear_override", "取消调整", "clear override", ["u"], false),
    cmd!(List, Advance, "advance", "进入下一阶段", "advance the round", ["A"], true),
    cmd!(List, Finalise, "finalise", "定案", "finalise", ["F"], true),
    cmd!(List, OpenAssessment, "open_assessment", "开启下一年度考核", "open next year's assessment", ["N"], false),
    cmd!(List, Export, "export", "导出", "export", ["e"], true),
    cmd!(List, OpenMatrix, "open_matrix", "评审汇总", "panel matrix", ["tab", "m"], true),
    cmd!(List, Back, "back", "返回", "back", ["esc"], false),
    cmd!(List, Timeline, "timeline", "履历", "timeline", ["h"], true),
    cmd!(Timeline, Up, "up", "上一轮", "previous round", ["up", "k"], false),
    cmd!(Timeline, Down, "down", "下一轮", "next round", ["down", "j"], false),
    cmd!(Timeline, ScrollDown, "scroll_down", "理由下翻", "scroll rationale down", ["pagedown", "space"], false),
    cmd!(Timeline, ScrollUp, "scroll_up", "理由上翻", "scroll rationale up", ["pageup"], false),
    cmd!(Timeline, Back, "back", "返回", "back", ["esc", "q"], true),
];

impl Command {
    /// The secretary's commands, hidden from other members' hints and help.
    pub fn for_secretary(&self) -> bool {
        self.context.secretary_only() || self.action == Action::OpenMatrix
    }
}

pub fn command(context: Context, action: Action) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.context == context && c.action == action)
}

/// A key as written in a keymap: "j", "G", "?", "enter", "ctrl-c", "f1".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

fn named(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "minus" => KeyCode::Char('-'),
        "plus" => KeyCode::Char('+'),
        _ => {
            let n = name.strip_prefix('f')?.parse::<u8>().ok()?;
            KeyCode::F(n)
        }
    })
}

impl Key {
    pub fn parse(text: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => named(&rest.to_ascii_lowercase())?,
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        // Shift is carried by the character itself ('G', '?'); BackTab is its own code.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// How the key is shown in hints and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Backspace => "Bksp".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

/// The live keymap: keys per (context, action).
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Action), Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = COMMANDS
            .iter()
            .map(|c| {
                let keys = c
                    .keys
                    .iter()
                    .map(|k| Key::parse(k).expect("default key parses"))
                    .collect();
                ((c.context, c.action), keys)
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the user's overrides: a TOML file of
    /// `[context] command = ["key", …]` tables.
    /// Errors in the process's language (`i18n::say`: read before the
    /// interface, and its language, starts).
    pub fn with_overrides(text: &str) -> Result<Keymap, String> {
        use crate::base::i18n::say;
        let table: toml::Table =
            toml::from_str(text).map_err(|e| format!("keymap: {}", e.message()))?;
        let mut map = Keymap::default();
        for (ctx_name, value) in &table {
            let ctx = Context::ALL
                .into_iter()
                .find(|c| c.id() == ctx_name)
                .ok_or_else(|| {
                    say(
                        format!("keymap:未知的节 [{ctx_name}](应为 global、picker、queue、review、matrix、list、search、timeline)"),
                        format!("keymap: unknown section [{ctx_name}] (global, picker, queue, review, matrix, list, search, timeline)"),
                    )
                })?;
            let Some(entries) = value.as_table() else {
                return Err(say(
                    format!("keymap:[{ctx_name}] 应为一个表"),
                    format!("keymap: [{ctx_name}] must be a table"),
                ));
            };
            for (cmd_id, keys) in entries {
                let cmd = COMMANDS
                    .iter()
                    .find(|c| c.context == ctx && c.id == cmd_id)
                    .ok_or_else(|| {
                        say(
                            format!("keymap:[{ctx_name}] 中没有命令 {cmd_id:?}"),
                            format!("keymap: [{ctx_name}] has no command {cmd_id:?}"),
                        )
                    })?;
                let list = keys.as_array().ok_or_else(|| {
                    say(
                        format!("keymap:{ctx_name}.{cmd_id} 应为按键列表"),
                        format!("keymap: {ctx_name}.{cmd_id} must be a list of keys"),
                    )
                })?;
                let mut parsed = Vec::new();
                for k in list {
                    let s = k.as_str().unwrap_or("");
                    parsed.push(Key::parse(s).ok_or_else(|| {
                        say(
                            format!("keymap:{ctx_name}.{cmd_id}:无法识别的按键 {s:?}"),
                            format!("keymap: {ctx_name}.{cmd_id}: bad key {s:?}"),
                        )
                    })?);
                }
                map.bindings.insert((ctx, cmd.action), parsed);
            }
        }
        Ok(map)
    }

    /// The action a key triggers in a context (the context's own bindings
    /// first, then the global ones).
    pub fn action(&self, context: Context, key: Key) -> Option<Action> {
        let find = |ctx: Context| {
            COMMANDS
                .iter()
                .filter(|c| c.context == ctx)
                .find(|c| self.keys(ctx, c.action).contains(&key))
                .map(|c| c.action)
        };
        find(context).or_else(|| find(Context::Global))
    }

    pub fn keys(&self, context: Context, action: Action) -> &[Key] {
        self.bindings
            .get(&(context, action))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// "Enter" or "↑/k": every key bound to the command.
    pub fn keys_label(&self, context: Context, action: Action) -> String {
        self.keys(context, action)
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The status-bar hints for a context: (first key, name) pairs.
    pub fn hints(
        &self,
        context: Context,
        lang: Lang,
        secretary: bool,
    ) -> Vec<(String, &'static str)> {
        self.hints_where(context, lang, secretary, |c| c.hint)
    }

    /// The hints of the commands `show` picks (the screen's state decides:
    /// a read-only review offers no editing keys, a narrow one offers `w`).
    pub fn hints_where(
        &self,
        context: Context,
        lang: Lang,
        secretary: bool,
        show: impl Fn(&Command) -> bool + Copy,
    ) -> Vec<(String, &'static str)> {
        // The screen's own keys first: a narrow status bar cuts from the end.
        let of = |ctx: Context| {
            COMMANDS
                .iter()
                .filter(move |c| show(c) && c.context == ctx)
                .filter(move |c| secretary || !c.for_secretary())
        };
        of(context)
            .chain(of(Context::Global))
            .filter_map(|c| {
                // A global key the screen binds to something else (`q` goes
                // back on the timeline) is not offered for the global command.
                let key = self.keys(c.context, c.action).iter().find(|k| {
                    c.context == context || self.action(context, **k) == Some(c.action)
                })?;
                Some((key.label(), lang.pick(c.zh, c.en)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_label() {
        assert_eq!(Key::parse("ctrl-c").unwrap().label(), "Ctrl-c");
        assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(Key::parse("pagedown").unwrap().code, KeyCode::PageDown);
        assert_eq!(Key::parse("f1").unwrap().code, KeyCode::F(1));
        assert!(Key::parse("hyper-x").is_none());
    }

    #[test]
    fn overrides_replace_a_commands_keys() {
        let map = Keymap::with_overrides("[queue]\nopen = [\"o\", \"enter\"]\n").unwrap();
        let o = Key::parse("o").unwrap();
        assert_eq!(map.action(Context::Queue, o), Some(Action::Open));
        assert_eq!(map.keys_label(Context::Queue, Action::Open), "o/Enter");
        // Context bindings win over global ones; globals still reach.
        let q = Key::parse("q").unwrap();
        assert_eq!(map.action(Context::Queue, q), Some(Action::Quit));
    }

    #[test]
    fn bad_keymaps_are_explained() {
        assert!(
            Keymap::with_overrides("[queue]\nfly = [\"f\"]\n")
                .unwrap_err()
                .contains("fly")
        );
        assert!(
            Keymap::with_overrides("[moon]\n")
                .unwrap_err()
                .contains("moon")
        );
        assert!(Keymap::with_overrides("[queue]\nopen = [\"ctrl-\"]\n").is_err());
    }

    /// Global keys a context deliberately takes over (`q` goes back from
    /// the timeline rather than quitting).
    const SHADOWED: &[(Context, &str)] = &[(Context::Timeline, "q")];

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let map = Keymap::default();
        for ctx in Context::ALL.into_iter().filter(|c| *c != Context::Global) {
            let mut seen = std::collections::HashMap::new();
            for c in COMMANDS
                .iter()
                .filter(|c| c.context == ctx || c.context == Context::Global)
            {
                for k in map.keys(c.context, c.action) {
                    let shadowed = c.context == Context::Global
                        && SHADOWED
                            .iter()
                            .any(|(sc, sk)| *sc == ctx && Key::parse(sk) == Some(*k));
                    if shadowed {
                        continue;
                    }
                    if let Some(prev) = seen.insert(*k, c.id) {
                        panic!("{:?}: {} bound to {prev} and {}", ctx, k.label(), c.id);
                    }
                }
            }
        }
    }

    #[test]
    fn a_shadowed_global_key_is_not_offered_for_the_global_command() {
        let map = Keymap::default();
        let q = Key::parse("q").unwrap();
        assert_eq!(map.action(Context::Timeline, q), Some(Action::Back));
        let hints = map.hints(Context::Timeline, Lang::En, false);
        assert!(hints.contains(&("Ctrl-c".to_string(), "quit")), "{hints:?}");
        assert!(!hints.contains(&("q".to_string(), "quit")), "{hints:?}");
        assert!(hints.contains(&("Esc".to_string(), "back")), "{hints:?}");
        // Elsewhere q still quits.
        let hints = map.hints(Context::Queue, Lang::En, false);
        assert!(hints.contains(&("q".to_string(), "quit")), "{hints:?}");
    }
}
