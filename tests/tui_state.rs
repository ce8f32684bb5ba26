//! The interface's update logic against a real store, without a terminal:
//! key → action → state → effect → database.

use jury::base::i18n::Lang;
use jury::domain::ReviewStatus;
use jury::store::Store;
use jury::tui::app::{App, Effect, Popup, Screen};
use jury::tui::queue::MyStatus;
use jury::tui::review::Others;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

struct Rig {
    _dir: tempfile::TempDir,
    store: Store,
    app: App,
}

fn rig(member: &str) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    jury::panel::sample::load(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, Lang::En, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn(member.into()));
    Rig {
        _dir: dir,
        store,
        app,
    }
}

impl Rig {
    fn key(&mut self, code: KeyCode) {
        let effects = self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        for e in effects {
            jury::tui::perform(&mut self.app, &mut self.store, e);
        }
    }
    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }
    fn open(&mut self, app_id: &str) {
        self.app.queue.select_app(app_id);
        self.key(KeyCode::Enter);
        assert_eq!(self.app.screen, Screen::Review, "{:?}", self.app.message);
    }
    fn stored(&self, app: &str, member: &str) -> Option<jury::domain::Review> {
        self.store
            .reviews("sel-2016")
            .unwrap()
            .into_iter()
            .find(|r| r.application == app && r.member == member)
    }
    fn value(&self, app: &str, criterion: &str) -> Option<f64> {
        self.stored(app, "m06")?
            .scores
            .iter()
            .find(|s| s.criterion == criterion)?
            .value
    }
}

#[test]
fn queue_lists_assignments_with_recusals_and_progress() {
    let r = rig("m06");
    let q = &r.app.queue;
    assert_eq!(q.rows.len(), 34);
    // m06's home prefecture is 怀化: its applications are recused.
    let recused: Vec<&str> = q
        .rows
        .iter()
        .filter(|row| row.status == MyStatus::Recused)
        .map(|row| row.app_id.as_str())
        .collect();
    assert_eq!(
        recused,
        [
            "cluster-hezhonghongzhi",
            "county-hongjiang",
            "town-xinhuang-bozhou"
        ]
    );
    assert_eq!(q.progress(), (0, 31));
}

#[test]
fn typing_commits_each_valid_value_and_refuses_out_of_range() {
    let mut r = rig("m06");
    r.open("county-miluo");
    r.keys("22.5");
    assert_eq!(r.value("county-miluo", "base"), Some(22.5));
    r.key(KeyCode::Down);
    r.keys("3");
    r.keys("0"); // 30 > 10: refused, 3 stays
    assert_eq!(r.value("county-miluo", "features"), Some(3.0));
    let msg = r.app.message.clone().expect("a visible message");
    assert!(msg.text.contains("0–10"), "{}", msg.text);
    r.key(KeyCode::Char('+'));
    assert_eq!(r.value("county-miluo", "features"), Some(3.5));
    r.key(KeyCode::Backspace);
    r.key(KeyCode::Backspace);
    assert_eq!(
        r.value("county-miluo", "features"),
        None,
        "backspace clears to blank"
    );
    let form = r.app.review.as_ref().unwrap();
    assert!((form.total().points - 22.5).abs() < 1e-9);
    assert_eq!(
        r.stored("county-miluo", "m06").unwrap().status,
        ReviewStatus::Draft
    );
    assert!(r.store.verify().unwrap().ok());
}

#[test]
fn submit_needs_every_criterion_and_confirmation() {
    let mut r = rig("m06");
    r.open("county-miluo");
    r.keys("20");
    r.key(KeyCode::Char('S'));
    assert!(r.app.popup.is_none(), "no confirmation while blanks remain");
    assert!(r.app.message.as_ref().unwrap().text.contains("blank"));
    for v in ["8", "15", "8", "16", "12"] {
        r.key(KeyCode::Down);
        r.keys(v);
    }
    r.key(KeyCode::Char('S'));
    assert_eq!(
        r.app.popup,
        Some(Popup::Confirm(jury::tui::app::Confirm::Submit))
    );
    r.key(KeyCode::Char('n'));
    assert_eq!(
        r.stored("county-miluo", "m06").unwrap().status,
        ReviewStatus::Draft
    );
    r.key(KeyCode::Char('S'));
    r.key(KeyCode::Char('y'));
    assert_eq!(
        r.stored("county-miluo", "m06").unwrap().status,
        ReviewStatus::Submitted
    );
    let row = r
        .app
        .queue
        .rows
        .iter()
        .find(|x| x.app_id == "county-miluo")
        .unwrap();
    assert_eq!(row.status, MyStatus::Submitted);
    assert_eq!(row.total, Some(79.0));
    // Submitted: typing is refused until reopened.
    r.key(KeyCode::Up);
    r.keys("1");
    assert_eq!(r.value("county-miluo", "investment"), Some(16.0));
    // Submitting showed m06 the others' scores: m06 cannot reopen alone
    // (finding M4); the secretary sends it back. R says so at once, with
    // no confirmation for what cannot happen.
    r.key(KeyCode::Char('R'));
    assert!(r.app.popup.is_none());
    assert_eq!(
        r.stored("county-miluo", "m06").unwrap().status,
        ReviewStatus::Submitted
    );
    assert!(
        r.app.message.as_ref().unwrap().text.contains("secretary"),
        "{:?}",
        r.app.message
    );
    r.store
        .write("m01", true, |w| {
            w.request_revisit("sel-2016", "m06", "county-miluo", "请复核")
        })
        .unwrap();
    assert_eq!(
        r.stored("county-miluo", "m06").unwrap().status,
        ReviewStatus::Draft
    );
    let log = r.store.verify().unwrap();
    assert!(log.ok());
}

#[test]
fn other_reviews_show_only_after_own_submission() {
    let mut r = rig("m06");
    r.open("county-miluo");
    assert_eq!(
        r.app.review.as_ref().unwrap().others,
        Others::Hidden {
            until_submitted: true
        }
    );
    for (i, v) in ["20", "8", "15", "8", "16", "12"].iter().enumerate() {
        if i > 0 {
            r.key(KeyCode::Down);
        }
        r.keys(v);
    }
    r.key(KeyCode::Char('S'));
    r.key(KeyCode::Char('y'));
    match &r.app.review.as_ref().unwrap().others {
        Others::Shown(list) => assert!(list.len() >= 3, "{list:?}"),
        other => panic!("still hidden: {other:?}"),
    }
}

#[test]
fn recused_applications_cannot_be_opened() {
    let mut r = rig("m06");
    r.app.queue.select_app("town-xinhuang-bozhou");
    r.key(KeyCode::Enter);
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(r.app.message.as_ref().unwrap().text.contains("recused"));
    // And the store refuses too, whatever the interface does.
    let refused = r.store.write("m06", true, |w| {
        w.set_score_value(
            "sel-2016",
            "m06",
            "town-xinhuang-bozhou",
            "base",
            Some(1.0),
            None,
        )
    });
    assert!(refused.is_err());
}

#[test]
fn comments_are_buffered_while_typing_and_committed_on_close() {
    let mut r = rig("m06");
    r.open("county-miluo");
    r.key(KeyCode::Enter);
    assert!(r.app.editor.is_some());
    r.keys("园区支撑有力");
    // The runtime saves the buffer within a quarter second of typing.
    jury::tui::flush_buffer(&mut r.app, &mut r.store);
    // Not yet a score comment, but safe in the buffer.
    assert!(
        r.stored("county-miluo", "m06")
            .is_none_or(|rv| rv.scores.iter().all(|s| s.comment.is_empty()))
    );
    drop(r.store);
    let mut store = Store::open(r._dir.path().join("t.db").as_path()).unwrap();
    let (n, _) = store
        .write("m06", true, |w| w.recover_edit_buffers("m06"))
        .unwrap();
    assert_eq!(n.committed, 1, "a killed session's comment is recovered");
    let review = store
        .reviews("sel-2016")
        .unwrap()
        .into_iter()
        .find(|x| x.member == "m06" && x.application == "county-miluo")
        .unwrap();
    assert_eq!(review.scores[0].comment, "园区支撑有力");
}

#[test]
fn editor_close_commits_and_next_application_moves_on() {
    let mut r = rig("m06");
    r.open("county-miluo");
    r.key(KeyCode::Enter);
    r.keys("好");
    r.key(KeyCode::Esc);
    assert!(r.app.editor.is_none());
    let stored = r.stored("county-miluo", "m06").unwrap();
    assert_eq!(
        stored
            .scores
            .iter()
            .find(|s| s.criterion == "base")
            .unwrap()
            .comment,
        "好"
    );
    let before = r.app.review.as_ref().unwrap().app.id.clone();
    r.key(KeyCode::Char('n'));
    let after = r.app.review.as_ref().unwrap().app.id.clone();
    assert_ne!(before, after);
    assert_eq!(r.app.queue.selected_row().unwrap().app_id, after);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Queue);
}

#[test]
fn another_process_write_is_picked_up_on_reload() {
    let mut r = rig("m06");
    let before = r.store.data_version().unwrap();
    {
        let mut other = Store::open(r._dir.path().join("t.db").as_path()).unwrap();
        other
            .write("m06", true, |w| {
                w.set_score_value("sel-2016", "m06", "county-miluo", "base", Some(21.0), None)
            })
            .unwrap();
    }
    assert_ne!(
        r.store.data_version().unwrap(),
        before,
        "data_version moves on another connection's commit"
    );
    jury::tui::reload(&mut r.app, &mut r.store);
    let row = r
        .app
        .queue
        .rows
        .iter()
        .find(|x| x.app_id == "county-miluo")
        .unwrap();
    assert_eq!(row.status, MyStatus::Draft);
}

fn click(r: &mut Rig, kind: ratatui::crossterm::event::MouseEventKind, column: u16, row: u16) {
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    jury::tui::fit(&mut r.app, area);
    let ev = ratatui::crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    for e in jury::tui::mouse(&mut r.app, ev, area) {
        jury::tui::perform(&mut r.app, &mut r.store, e);
    }
}

#[test]
fn mouse_selects_opens_focuses_and_scrolls() {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let mut r = rig("m06");
    // Queue rows start on screen row 4 (header bar, summary, border, column header).
    click(&mut r, MouseEventKind::Down(MouseButton::Left), 10, 5);
    assert_eq!(r.app.queue.selected, 1);
    click(&mut r, MouseEventKind::ScrollDown, 10, 10);
    assert_eq!(r.app.queue.selected, 4);
    // Position 4 is from m06's home prefecture: opening it is refused.
    click(&mut r, MouseEventKind::Down(MouseButton::Left), 10, 4 + 4);
    assert_eq!(r.app.screen, Screen::Queue);
    click(&mut r, MouseEventKind::Down(MouseButton::Left), 10, 4 + 5);
    assert_eq!(r.app.queue.selected, 5);
    click(&mut r, MouseEventKind::Down(MouseButton::Left), 10, 4 + 5);
    assert_eq!(
        r.app.screen,
        Screen::Review,
        "a click on the selected row opens it"
    );
    // Scoring pane on the right: criterion rows start two rows below its top.
    click(
        &mut r,
        MouseEventKind::Down(MouseButton::Left),
        100,
        1 + 2 + 3,
    );
    assert_eq!(r.app.review.as_ref().unwrap().focus, 3);
    click(&mut r, MouseEventKind::ScrollDown, 10, 20);
    assert!(
        r.app.review.as_ref().unwrap().scroll > 0,
        "the wheel scrolls the material"
    );
}

#[test]
fn secretary_works_the_matrix_and_the_list() {
    // m01 is the secretary, with nothing to review: the matrix comes first.
    let mut r = rig("m01");
    assert_eq!(r.app.screen, Screen::Matrix);
    let s = r.app.secretary.as_ref().unwrap();
    assert_eq!(s.matrix.reviewers.len(), 6);
    // m01's home is 长沙: those rows are masked for m01.
    assert!(s.is_masked("county-liuyang"));
    r.key(KeyCode::Char('a'));
    assert_eq!(
        r.app.secretary.as_ref().unwrap().method,
        jury::domain::aggregate::Method::Mean
    );
    assert_eq!(
        r.app.secretary.as_ref().unwrap().matrix.method,
        jury::domain::aggregate::Method::Mean
    );
    // Drill-down is refused on a recused row, allowed elsewhere.
    r.app.secretary.as_mut().unwrap().selected = 0;
    r.key(KeyCode::Enter);
    assert_eq!(r.app.popup, Some(Popup::Drill));
    r.key(KeyCode::Esc);

    // The list: an override needs a reason and lands in the store.
    r.key(KeyCode::Tab);
    assert_eq!(r.app.screen, Screen::List);
    let app_id = r
        .app
        .secretary
        .as_ref()
        .unwrap()
        .selected_line()
        .unwrap()
        .app
        .clone();
    r.key(KeyCode::Char('x'));
    assert!(r.app.editor.is_some());
    r.key(KeyCode::Esc);
    assert!(
        r.app.message.as_ref().unwrap().text.contains("reason"),
        "a blank reason changes nothing"
    );
    assert!(r.store.overrides("sel-2016").unwrap().is_empty());
    r.key(KeyCode::Char('x'));
    r.keys("不符合示范方向");
    r.key(KeyCode::Esc);
    let overrides = r.store.overrides("sel-2016").unwrap();
    assert_eq!(overrides[&app_id].0, jury::domain::Outcome::NotSelected);
    let line = r
        .app
        .secretary
        .as_ref()
        .unwrap()
        .selected_line()
        .unwrap()
        .clone();
    assert_eq!(line.outcome, jury::domain::Outcome::NotSelected);
    r.key(KeyCode::Char('u'));
    assert!(r.store.overrides("sel-2016").unwrap().is_empty());

    // Finalising is refused while reviews are missing; advancing is confirmed and logged.
    r.key(KeyCode::Char('A'));
    r.key(KeyCode::Char('y'));
    assert_eq!(
        r.store.round("sel-2016").unwrap().unwrap().state,
        jury::domain::RoundState::Deliberation
    );
    r.key(KeyCode::Char('F'));
    r.key(KeyCode::Char('y'));
    assert!(
        r.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("not submitted"),
        "{:?}",
        r.app.message
    );
    assert_eq!(
        r.store.round("sel-2016").unwrap().unwrap().state,
        jury::domain::RoundState::Deliberation
    );
    assert!(r.store.verify().unwrap().ok());
}

#[test]
fn reviewers_do_not_see_the_secretarys_commands() {
    let mut r = rig("m06");
    let hints = r.app.keymap.hints(
        jury::tui::keymap::Context::Queue,
        Lang::En,
        r.app.is_secretary(),
    );
    assert!(!hints.iter().any(|(_, n)| n.contains("matrix")));
    r.key(KeyCode::Char('m'));
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(r.app.secretary.is_none());
}

#[test]
fn a_revisit_shows_in_the_reviewers_queue_and_allows_editing_in_deliberation() {
    let mut r = rig("m02");
    let app = r
        .app
        .queue
        .rows
        .iter()
        .find(|x| x.status == MyStatus::Submitted)
        .unwrap()
        .app_id
        .clone();
    r.store
        .write("m01", true, |w| {
            w.advance_round("sel-2016")?;
            w.request_revisit("sel-2016", "m02", &app, "请复核")
        })
        .unwrap();
    jury::tui::reload(&mut r.app, &mut r.store);
    let row = r.app.queue.rows.iter().find(|x| x.app_id == app).unwrap();
    assert_eq!(row.revisit.as_deref(), Some("请复核"));
    r.open(&app);
    assert!(r.app.message.as_ref().unwrap().text.contains("revisit"));
    r.key(KeyCode::Char('+'));
    assert!(
        r.app.message.is_none()
            || r.app.message.as_ref().unwrap().level != jury::tui::app::Level::Error,
        "{:?}",
        r.app.message
    );
}

#[test]
fn search_opens_from_any_screen_and_finds_decisions() {
    let mut r = rig("m06");
    r.open("county-miluo");
    let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
    for e in r.app.handle_key(ctrl_f) {
        jury::tui::perform(&mut r.app, &mut r.store, e);
    }
    assert_eq!(r.app.screen, Screen::Search);
    r.keys("cs dec:selected");
    let s = r.app.search.as_ref().unwrap();
    assert!(!s.results.is_empty());
    assert!(
        s.results
            .iter()
            .all(|f| f.record.outcome == Some(jury::domain::Outcome::Selected))
    );
    // 'q' and '?' are text here, not quit and help.
    r.keys(" q?");
    assert!(!r.app.quit && r.app.popup.is_none());
    assert_eq!(r.app.search.as_ref().unwrap().text, "cs dec:selected q?");
    for _ in 0..3 {
        r.key(KeyCode::Backspace);
    }
    // A prior decision has no application here to open.
    r.key(KeyCode::Enter);
    assert!(
        r.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("earlier programme")
    );
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Review, "back where search was opened");
}
