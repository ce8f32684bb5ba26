//! Nothing a member typed is lost, and the screen never shows what is not
//! stored: kept comments, frozen rounds, two terminals as the same member,
//! refused keystrokes, coalesced buffer saves. The interface's update logic
//! against real database files, without a terminal (see tests/e2e_pty.rs
//! for the real binary).

use jury::base::i18n::Lang;
use jury::store::Store;
use jury::tui::app::{App, Effect, Popup, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

const ROUND: &str = "sel-2016";
const APP: &str = "county-miluo";
/// The values of county-miluo's six criteria, in screen order.
const VALUES: [&str; 6] = ["20", "8", "15", "8", "16", "12"];

/// One terminal: an app signed in as a member, with its own connection.
struct Term {
    store: Store,
    app: App,
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut store = Store::open(&db).unwrap();
    jury::panel::sample::load(&mut store, "test").unwrap();
    (dir, db)
}

fn term(db: &Path, member: &str, lang: Lang) -> Term {
    let mut store = Store::open(db).unwrap();
    let mut app = jury::tui::build_app(&store, lang, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn(member.into()));
    Term { store, app }
}

impl Term {
    fn press(&mut self, key: KeyEvent) {
        for e in self.app.handle_key(key) {
            jury::tui::perform(&mut self.app, &mut self.store, e);
        }
    }
    fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }
    fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }
    fn keys(&mut self, text: &str) {
        text.chars().for_each(|c| self.key(KeyCode::Char(c)));
    }
    /// What the runtime does within a quarter second of typing.
    fn flush(&mut self) {
        jury::tui::flush_buffer(&mut self.app, &mut self.store);
    }
    /// What the runtime does when another process wrote (the 500 ms poll).
    fn poll(&mut self) {
        jury::tui::reload(&mut self.app, &mut self.store);
    }
    fn open(&mut self, app: &str) {
        self.app.queue.select_app(app);
        self.key(KeyCode::Enter);
        assert_eq!(self.app.screen, Screen::Review, "{:?}", self.app.message);
    }
    fn message(&self) -> String {
        self.app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }
    fn fill(&mut self) {
        for (i, v) in VALUES.iter().enumerate() {
            if i > 0 {
                self.key(KeyCode::Down);
            }
            self.keys(v);
        }
        for _ in 0..VALUES.len() {
            self.key(KeyCode::Up);
        }
    }
    fn screen(&mut self, w: u16, h: u16) -> String {
        use ratatui::{Terminal, backend::TestBackend, layout::Rect};
        jury::tui::fit(&mut self.app, Rect::new(0, 0, w, h));
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| jury::tui::view::draw(f, &self.app)).unwrap();
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            // A wide character's second cell is blank: skip it.
            let mut skip = 0;
            for x in 0..w {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buf[(x, y)].symbol();
                out.push_str(symbol);
                skip = jury::base::text::width(symbol).saturating_sub(1);
            }
            out.push('\n');
        }
        out
    }
}

/// Another process as a member (the secretary's commands, the other terminal's writes).
fn other(
    db: &Path,
    who: &str,
    f: impl FnOnce(&mut jury::store::Writer<'_>) -> jury::store::Result<()>,
) {
    let mut store = Store::open(db).unwrap();
    store.write(who, true, |w| f(w)).unwrap();
}

fn buffer(db: &Path, criterion: &str) -> Option<String> {
    Store::open(db)
        .unwrap()
        .edit_buffers(ROUND, "m06", APP)
        .unwrap()
        .get(criterion)
        .cloned()
}

fn comment(db: &Path, criterion: &str) -> String {
    Store::open(db)
        .unwrap()
        .reviews(ROUND)
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m06" && r.application == APP)
        .and_then(|r| r.scores.into_iter().find(|s| s.criterion == criterion))
        .map(|s| s.comment)
        .unwrap_or_default()
}

fn value(db: &Path, criterion: &str) -> Option<f64> {
    Store::open(db)
        .unwrap()
        .reviews(ROUND)
        .unwrap()
        .into_iter()
        .find(|r| r.member == "m06" && r.application == APP)
        .and_then(|r| r.scores.into_iter().find(|s| s.criterion == criterion))
        .and_then(|s| s.value)
}

#[test]
fn typing_in_the_editor_is_saved_in_coalesced_batches_not_per_keystroke() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::En);
    a.open(APP);
    a.key(KeyCode::Enter);
    let effects: Vec<Effect> = "园区支撑有力"
        .chars()
        .flat_map(|c| {
            a.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
        })
        .collect();
    assert!(effects.is_empty(), "no write per keystroke: {effects:?}");
    assert!(a.app.editor.as_ref().unwrap().dirty);
    assert_eq!(
        a.app.flush_buffer(),
        Some(Effect::SaveBuffer {
            criterion: "base".into(),
            text: "园区支撑有力".into()
        })
    );
    assert_eq!(a.app.flush_buffer(), None, "nothing new to save");
    // A paste is one change too.
    assert!(a.app.handle_paste("。").is_empty());
    a.flush();
    assert_eq!(buffer(&db, "base").as_deref(), Some("园区支撑有力。"));
}

/// Finding 1, two terminals: the review is submitted elsewhere while the
/// editor is open; the text is kept, comes back once the review can change
/// again (here the secretary's revisit: in the sample every application
/// has other submitted reviews, so the member's own R is refused, and says
/// why), and Esc without typing commits it rather than deleting it.
#[test]
fn a_kept_comment_comes_back_when_the_review_reopens_and_esc_never_deletes_it() {
    let (_dir, db) = sample();
    let mut b = term(&db, "m06", Lang::En);
    b.open(APP);
    b.fill();
    b.key(KeyCode::Enter);
    b.keys("合议前写的评语");
    b.flush();
    other(&db, "m06", |w| w.submit_review(ROUND, "m06", APP).map(drop));
    b.keys("继续");
    b.key(KeyCode::Esc);
    assert!(b.app.editor.is_none());
    assert!(b.message().contains("kept"), "{}", b.message());
    assert_eq!(buffer(&db, "base").as_deref(), Some("合议前写的评语继续"));
    assert_eq!(comment(&db, "base"), "");

    // R cannot reopen a review submitted after the others' scores were
    // shown: said, no confirmation offered.
    b.key(KeyCode::Char('R'));
    assert_eq!(b.app.popup, None);
    assert!(b.message().contains("secretary"), "{}", b.message());
    assert!(b.screen(120, 40).contains("Kept, not yet saved"));
    // The secretary sends it back: the kept text opens in the editor.
    other(&db, "m01", |w| {
        w.request_revisit(ROUND, "m06", APP, "").map(drop)
    });
    b.poll();
    b.key(KeyCode::Enter);
    let editor = b.app.editor.as_ref().expect("the editor opens");
    assert_eq!(editor.text(), "合议前写的评语继续");
    // Esc without typing: committed, not deleted.
    b.key(KeyCode::Esc);
    assert_eq!(comment(&db, "base"), "合议前写的评语继续");
    assert_eq!(
        buffer(&db, "base"),
        None,
        "committed, so the buffer is done"
    );
}

/// Finding 1, frozen round: a kept buffer is never overwritten or
/// deleted while the round is in deliberation; the editor refuses to open
/// and says why; the start-up message does not promise a reopen; a
/// revisit request brings the text back into the editor.
#[test]
fn a_frozen_round_keeps_the_buffer_and_a_revisit_restores_it() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    a.key(KeyCode::Enter);
    a.keys("合议前写的评语");
    a.flush();
    other(&db, "m01", |w| w.advance_round(ROUND).map(drop));
    a.poll();
    // Still typing: the store refuses the buffer; the text stays on screen.
    a.keys("继续");
    a.flush();
    assert_eq!(buffer(&db, "base").as_deref(), Some("合议前写的评语"));
    a.key(KeyCode::Esc);
    let editor = a.app.editor.as_ref().expect("the text stays in the editor");
    assert_eq!(editor.text(), "合议前写的评语继续");
    assert!(a.message().contains("合议"), "{}", a.message());
    assert_eq!(buffer(&db, "base").as_deref(), Some("合议前写的评语"));
    drop(a);

    // The next session: the message promises no reopen.
    let mut a = term(&db, "m06", Lang::Zh);
    assert!(a.message().contains("复核"), "{}", a.message());
    assert!(!a.message().contains("撤回重评后"), "{}", a.message());
    a.open(APP);
    a.key(KeyCode::Enter);
    assert!(a.app.editor.is_none(), "a frozen round opens no editor");
    assert!(a.message().contains("合议"), "{}", a.message());
    a.key(KeyCode::Char('E'));
    assert!(a.app.editor.is_none());
    a.keys("7");
    assert_eq!(value(&db, "base"), None);
    assert_eq!(buffer(&db, "base").as_deref(), Some("合议前写的评语"));
    let refused = a.store.write("m06", true, |w| {
        w.save_edit_buffer(ROUND, "m06", APP, "base", "新")
    });
    assert!(refused.is_err(), "the store refuses too");
    assert_eq!(buffer(&db, "base").as_deref(), Some("合议前写的评语"));

    other(&db, "m01", |w| {
        w.request_revisit(ROUND, "m06", APP, "请复核").map(drop)
    });
    a.poll();
    a.key(KeyCode::Enter);
    let editor = a.app.editor.as_ref().expect("a revisit makes it editable");
    assert_eq!(editor.text(), "合议前写的评语");
    a.keys("复核后");
    a.key(KeyCode::Esc);
    assert_eq!(comment(&db, "base"), "合议前写的评语复核后");
    assert_eq!(buffer(&db, "base"), None);
}

#[test]
fn a_kept_comment_is_discarded_only_when_the_member_confirms() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::En);
    a.open(APP);
    a.fill();
    a.key(KeyCode::Enter);
    a.keys("draft words");
    a.flush();
    other(&db, "m06", |w| w.submit_review(ROUND, "m06", APP).map(drop));
    a.key(KeyCode::Esc);
    assert_eq!(buffer(&db, "base").as_deref(), Some("draft words"));
    a.key(KeyCode::Char('D'));
    assert_eq!(
        a.app.popup,
        Some(Popup::Confirm(jury::tui::app::Confirm::DiscardKept))
    );
    a.key(KeyCode::Char('n'));
    assert_eq!(buffer(&db, "base").as_deref(), Some("draft words"));
    a.key(KeyCode::Char('D'));
    a.key(KeyCode::Char('y'));
    assert_eq!(buffer(&db, "base"), None);

    // In the editor: Ctrl-D asks, any key but y keeps typing.
    other(&db, "m01", |w| {
        w.request_revisit(ROUND, "m06", APP, "").map(drop)
    });
    a.poll();
    a.key(KeyCode::Enter);
    a.keys("abc");
    a.ctrl('d');
    a.key(KeyCode::Char('x'));
    assert_eq!(
        a.app.editor.as_ref().unwrap().text(),
        "abc",
        "x cancels, not typed"
    );
    a.ctrl('d');
    a.key(KeyCode::Char('y'));
    assert!(a.app.editor.is_none());
    assert_eq!(comment(&db, "base"), "");
    assert_eq!(buffer(&db, "base"), None);
}

/// Finding 4: two terminals as m06 on one review. A write that replaces a
/// value the screen did not see is refused as a conflict, the member
/// chooses; a reload drops stale typed digits.
#[test]
fn two_terminals_as_one_member_never_overwrite_silently() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::En);
    let mut b = term(&db, "m06", Lang::En);
    a.open(APP);
    b.open(APP);
    a.keys("20");
    assert_eq!(value(&db, "base"), Some(20.0));
    // B has not seen 20 yet.
    b.keys("1");
    assert_eq!(value(&db, "base"), Some(20.0), "B's stale write is refused");
    match &b.app.popup {
        Some(Popup::Conflict { mine, theirs, .. }) => {
            assert_eq!((*mine, *theirs), (Some(1.0), Some(20.0)));
        }
        other => panic!("no conflict shown: {other:?}"),
    }
    assert!(b.screen(120, 40).contains("Conflicting value"));
    b.key(KeyCode::Char('t'));
    assert_eq!(b.app.review.as_ref().unwrap().values[0], Some(20.0));
    assert_eq!(b.app.review.as_ref().unwrap().input, None);

    // B now writes on top of what it saw; A's screen is stale in turn.
    b.key(KeyCode::Char('+'));
    assert_eq!(value(&db, "base"), Some(20.5));
    a.key(KeyCode::Char('-'));
    assert_eq!(value(&db, "base"), Some(20.5));
    assert!(matches!(a.app.popup, Some(Popup::Conflict { .. })));
    a.key(KeyCode::Char('m'));
    assert_eq!(value(&db, "base"), Some(19.5), "mine, chosen over theirs");

    // A reload drops digits typed into a cell that changed meanwhile.
    a.key(KeyCode::Down);
    a.keys("1");
    assert_eq!(value(&db, "features"), Some(1.0));
    b.poll();
    b.key(KeyCode::Down);
    b.keys("9");
    assert_eq!(value(&db, "features"), Some(9.0));
    a.poll();
    let form = a.app.review.as_ref().unwrap();
    assert_eq!(form.input, None, "stale digits dropped");
    assert_eq!(form.values[1], Some(9.0));
    assert!(a.message().contains("changed elsewhere"), "{}", a.message());
    a.keys(".");
    assert_eq!(value(&db, "features"), Some(9.0), "1. would have written 1");
    assert!(a.store.verify().unwrap().ok());
}

/// Finding 5: a keystroke the store refuses leaves the screen; the header
/// does not say saved.
#[test]
fn a_refused_keystroke_is_not_left_on_screen() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    other(&db, "m01", |w| w.advance_round(ROUND).map(drop));
    // Before the poll noticed: the write is refused.
    a.keys("7");
    let form = a.app.review.as_ref().unwrap();
    assert_eq!(form.input, None);
    assert_eq!(form.values[0], None);
    let screen = a.screen(120, 40);
    assert!(!screen.contains("[7▏]"), "{screen}");
    assert!(!screen.contains("已自动保存"), "{screen}");
    assert!(screen.contains("只读"), "{screen}");
    assert!(a.message().contains("合议"), "{}", a.message());
    assert_eq!(value(&db, "base"), None);
}

/// Finding 8: deliberation is visibly read-only, unless a revisit is open.
#[test]
fn deliberation_is_read_only_on_screen() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    a.fill();
    a.key(KeyCode::Char('S'));
    a.key(KeyCode::Char('y'));
    // Submitted while the round takes scores: read-only. Submitting showed
    // the others' scores, so R cannot reopen it (main's rule M4) and is
    // not offered either.
    let screen = a.screen(120, 40);
    let hints = screen.lines().last().unwrap().to_string();
    assert!(screen.contains("已提交 · 只读"), "{screen}");
    assert!(!hints.contains("撤回重评"), "{hints}");
    assert!(!hints.contains("写评语"), "{hints}");
    a.key(KeyCode::Char('R'));
    assert_eq!(a.app.popup, None);
    assert!(a.message().contains("秘书"), "{}", a.message());

    other(&db, "m01", |w| w.advance_round(ROUND).map(drop));
    a.poll();
    let screen = a.screen(120, 40);
    let hints = screen.lines().last().unwrap().to_string();
    for editing in ["加 0.5 分", "写评语", "提交", "撤回重评"] {
        assert!(!hints.contains(editing), "{editing} offered: {hints}");
    }
    assert!(screen.contains("合议中 · 只读"), "{screen}");
    assert!(!screen.contains("已自动保存"), "{screen}");
    a.key(KeyCode::Char('R'));
    assert_eq!(a.app.popup, None, "no confirmation for what cannot happen");
    assert!(a.message().contains("复核"), "{}", a.message());
    a.key(KeyCode::Enter);
    assert!(a.app.editor.is_none());

    // Asked to revisit: editable again, as today.
    other(&db, "m01", |w| {
        w.request_revisit(ROUND, "m06", APP, "").map(drop)
    });
    a.poll();
    let screen = a.screen(120, 40);
    assert!(!screen.contains("只读"), "{screen}");
    assert!(
        screen.lines().last().unwrap().contains("写评语"),
        "{screen}"
    );
    a.key(KeyCode::Enter);
    assert!(a.app.editor.is_some());
}

#[test]
fn a_paste_reaches_the_search_box() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::En);
    a.ctrl('f');
    assert_eq!(a.app.screen, Screen::Search);
    for e in a.app.handle_paste("cs\ndec:selected") {
        jury::tui::perform(&mut a.app, &mut a.store, e);
    }
    let s = a.app.search.as_ref().unwrap();
    assert_eq!(s.text, "cs dec:selected");
    assert!(!s.results.is_empty());
}

#[test]
fn an_unbound_key_ends_a_number_so_1e3_is_never_13() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::En);
    a.open(APP);
    a.keys("1e");
    assert!(a.message().contains("not a digit"), "{}", a.message());
    a.keys("3");
    assert_eq!(value(&db, "base"), Some(3.0));
    a.key(KeyCode::Down);
    a.key(KeyCode::Char('x'));
    assert!(a.message().contains("does nothing"), "{}", a.message());
    // Wide enough for both panes: w says why it does nothing.
    a.screen(120, 40);
    a.key(KeyCode::Char('w'));
    assert!(a.message().contains("side by side"), "{}", a.message());
    // Digits in the queue are answered too.
    a.key(KeyCode::Esc);
    a.keys("5");
    assert!(
        a.message().contains("No scores in the queue"),
        "{}",
        a.message()
    );
}

#[test]
fn the_hint_line_follows_the_editor_and_a_narrow_review_names_the_application() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    let screen = a.screen(80, 24);
    let name = a.app.review.as_ref().unwrap().app.name.clone();
    let title = screen.lines().nth(1).unwrap().to_string();
    assert!(title.contains(&name), "{title}");
    assert!(title.contains("合计 0.0/100"), "{title}");
    assert!(screen.lines().last().unwrap().contains("w "), "{screen}");
    a.key(KeyCode::Enter);
    let screen = a.screen(80, 24);
    let hints = screen.lines().last().unwrap();
    assert!(hints.contains("保存并关闭"), "{hints}");
    assert!(
        !hints.contains("提交") && !hints.contains("退出"),
        "{hints}"
    );
}

#[test]
fn a_long_comment_wraps_in_the_editor() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    a.key(KeyCode::Enter);
    let text: String = "产城融合".repeat(30);
    assert!(a.app.handle_paste(&text).is_empty());
    let screen = a.screen(120, 40);
    // The first and the last characters are both on screen: wrapped, not scrolled.
    let rows = screen.lines().filter(|l| l.contains("产城融合")).count();
    assert!(rows >= 3, "wrapped over several rows:\n{screen}");
}

#[test]
fn a_tiny_terminal_says_it_is_too_small() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    for (w, h) in [(20, 5), (39, 30), (100, 9), (10, 3)] {
        let screen = a.screen(w, h);
        assert!(screen.contains("窗口太小"), "{w}×{h}:\n{screen}");
    }
    let screen = a.screen(1, 1);
    assert!(!screen.trim().is_empty());
    let screen = a.screen(40, 10);
    assert!(!screen.contains("窗口太小"), "{screen}");
}

#[test]
fn the_total_stays_in_the_title_at_the_widest_split() {
    let (_dir, db) = sample();
    let mut a = term(&db, "m06", Lang::Zh);
    a.open(APP);
    a.keys("20");
    for _ in 0..10 {
        a.key(KeyCode::Char('>'));
    }
    let screen = a.screen(120, 40);
    assert!(
        screen.lines().nth(1).unwrap().contains("合计 20.0/100"),
        "{screen}"
    );
}
