//! Screens as a user sees them, at 120×40 and 80×24, with Chinese data.
//! Rendered into ratatui's TestBackend and compared with insta snapshots.

use jury::base::i18n::Lang;
use jury::store::Store;
use jury::tui::app::{App, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

struct Rig {
    _dir: tempfile::TempDir,
    store: Store,
    app: App,
}

fn rig(lang: Lang, member: Option<&str>) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    jury::panel::sample::load(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, lang, Some("dark"), None).unwrap();
    if let Some(m) = member {
        jury::tui::perform(&mut app, &mut store, Effect::SignIn(m.into()));
    }
    Rig {
        _dir: dir,
        store,
        app,
    }
}

impl Rig {
    fn key(&mut self, code: KeyCode) {
        for e in self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE)) {
            jury::tui::perform(&mut self.app, &mut self.store, e);
        }
    }
    fn keys(&mut self, s: &str) {
        s.chars().for_each(|c| self.key(KeyCode::Char(c)));
    }
    fn screen(&mut self, w: u16, h: u16) -> Terminal<TestBackend> {
        jury::tui::fit(&mut self.app, Rect::new(0, 0, w, h));
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| jury::tui::view::draw(f, &self.app)).unwrap();
        t
    }
}

#[test]
fn picker_80x24() {
    let mut r = rig(Lang::Zh, None);
    insta::assert_snapshot!(r.screen(80, 24).backend());
}

#[test]
fn queue_120x40() {
    let mut r = rig(Lang::Zh, Some("m02"));
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

#[test]
fn queue_filtered_80x24() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.key(KeyCode::Char('t'));
    r.key(KeyCode::Char('t'));
    r.key(KeyCode::Char('s'));
    insta::assert_snapshot!(r.screen(80, 24).backend());
}

#[test]
fn review_120x40() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    r.keys("22.5");
    r.key(KeyCode::Down);
    r.keys("9");
    r.key(KeyCode::Down);
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

#[test]
fn review_investment_plan_120x40() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("town-huayuan-biancheng");
    r.key(KeyCode::Enter);
    for _ in 0..4 {
        r.key(KeyCode::Down);
    }
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

#[test]
fn review_narrow_80x24_both_panes() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("county-yizhang");
    r.key(KeyCode::Enter);
    r.keys("12");
    let scoring = r.screen(80, 24);
    insta::assert_snapshot!("narrow_scoring", scoring.backend());
    r.key(KeyCode::Char('w'));
    let material = r.screen(80, 24);
    insta::assert_snapshot!("narrow_material", material.backend());
}

#[test]
fn review_english_with_refused_value_80x24() {
    let mut r = rig(Lang::En, Some("m06"));
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    r.keys("26");
    insta::assert_snapshot!(r.screen(100, 24).backend());
}

#[test]
fn help_80x24_lists_the_live_keymap() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.key(KeyCode::Char('?'));
    let t = r.screen(80, 24);
    let text = format!("{}", t.backend());
    assert!(text.contains("按层级"), "{text}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn comment_editor_over_wide_text_120x40() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    r.key(KeyCode::Enter);
    r.keys("循环经济产业园亩均产出高,");
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

#[test]
fn escape_sequences_in_data_never_reach_the_screen() {
    let mut r = rig(Lang::Zh, Some("m06"));
    // Plant an escape sequence in an application's text, as a hostile file could.
    let mut app = r.store.application("county-miluo").unwrap().unwrap();
    app.sections
        .insert("base".into(), "正文\u{1b}[2J\u{1b}]0;pwned\u{7}继续".into());
    app.name = "汨罗市\u{1b}[31m".into();
    r.store
        .write("test", true, |w| w.put_application(&app))
        .unwrap();
    jury::tui::reload(&mut r.app, &mut r.store);
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    // The work-plan section tab that holds the planted text.
    r.app.review.as_mut().unwrap().tab = 0;
    let text = format!("{}", r.screen(120, 40).backend());
    assert!(!text.contains('\u{1b}'), "no escape reaches the buffer");
    assert!(text.contains("正文继续"), "{text}");
    assert!(!text.contains("pwned"));
}

#[test]
fn popups_keep_their_border_over_wide_text() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    for v in ["20", "8", "15", "8", "16", "12"] {
        r.keys(v);
        r.key(KeyCode::Down);
    }
    r.app.review.as_mut().unwrap().tab = 0;
    r.key(KeyCode::Char('S'));
    let t = r.screen(120, 40);
    let buf = t.backend().buffer();
    // Find the popup's top-left corner and check its left border on every row.
    let (x, y) = (0..40u16)
        .flat_map(|y| (0..120u16).map(move |x| (x, y)))
        // The panes' corners are on row 1; the popup's is further down.
        .find(|&(x, y)| buf[(x, y)].symbol() == "┌" && y > 2)
        .expect("popup drawn");
    for row in y + 1..y + 6 {
        assert_eq!(buf[(x, row)].symbol(), "│", "left border at row {row}");
        let left = buf[(x - 1, row)].symbol();
        assert!(
            crate_width(left) <= 1,
            "a wide character spills into the border at row {row}"
        );
    }
    insta::assert_snapshot!(t.backend());
}

fn crate_width(s: &str) -> usize {
    jury::base::text::width(s)
}

#[test]
fn secretary_matrix_and_list_120x40() {
    let mut r = rig(Lang::Zh, Some("m01"));
    let matrix = r.screen(120, 40);
    insta::assert_snapshot!("secretary_matrix", matrix.backend());
    r.key(KeyCode::Tab);
    let list = r.screen(120, 40);
    insta::assert_snapshot!("secretary_list", list.backend());
}

#[test]
fn search_with_highlighted_matches_120x40() {
    let mut r = rig(Lang::Zh, Some("m06"));
    let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
    for e in r.app.handle_key(ctrl_f) {
        jury::tui::perform(&mut r.app, &mut r.store, e);
    }
    r.keys("边城 flag:口子镇");
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

/// At 80×24: headers apart, names readable (columns that matter less give
/// way), the calibration line broken between reviewers, never inside a
/// number; the list parts names from the 市州 and leaves no blank lines
/// under a cut-off table.
#[test]
fn secretary_matrix_and_list_80x24() {
    let mut r = rig(Lang::Zh, Some("m01"));
    let matrix = r.screen(80, 24);
    insta::assert_snapshot!("secretary_matrix_80x24", matrix.backend());
    r.key(KeyCode::Tab);
    let list = r.screen(80, 24);
    insta::assert_snapshot!("secretary_list_80x24", list.backend());
}

/// The review in deliberation: read-only in the title, no editing keys.
#[test]
fn review_in_deliberation_120x40() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.store
        .write("m01", true, |w| w.advance_round("sel-2016").map(drop))
        .unwrap();
    jury::tui::reload(&mut r.app, &mut r.store);
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    insta::assert_snapshot!(r.screen(120, 40).backend());
}

/// Below 40×10 a notice instead of an empty box.
#[test]
fn too_small_20x5() {
    let mut r = rig(Lang::Zh, Some("m06"));
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Enter);
    insta::assert_snapshot!(r.screen(20, 5).backend());
}
