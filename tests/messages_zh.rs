//! The store's refusals in a Chinese interface: with the process language
//! set to Chinese (as `jury --lang zh` sets it), a keystroke the store
//! refuses shows its reason in Chinese. The process language is one per
//! process: this file is its own test binary so that it leaks into no other.

use jury::base::i18n::Lang;
use jury::domain::ReviewStatus;
use jury::store::Store;
use jury::tui::app::{Effect, Level, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn a_keystroke_refused_in_deliberation_says_why_in_chinese() {
    jury::base::i18n::set_process_lang(Lang::Zh);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    jury::panel::sample::load(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, Lang::Zh, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn("m06".into()));
    app.queue.select_app("county-miluo");
    let key = |app: &mut jury::tui::app::App, store: &mut Store, code: KeyCode| {
        for e in app.handle_key(KeyEvent::new(code, KeyModifiers::NONE)) {
            jury::tui::perform(app, store, e);
        }
    };
    key(&mut app, &mut store, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Review, "{:?}", app.message);
    for (i, v) in ["20", "8", "15", "8", "16", "12"].into_iter().enumerate() {
        if i > 0 {
            key(&mut app, &mut store, KeyCode::Down);
        }
        for c in v.chars() {
            key(&mut app, &mut store, KeyCode::Char(c));
        }
    }
    let stored = |store: &Store| {
        store
            .reviews("sel-2016")
            .unwrap()
            .into_iter()
            .find(|r| r.application == "county-miluo" && r.member == "m06")
            .unwrap()
    };
    assert_eq!(stored(&store).status, ReviewStatus::Draft);

    // Meanwhile the secretary, in another terminal, closes scoring.
    store
        .write("m01", true, |w| w.advance_round("sel-2016"))
        .unwrap();
    let before = stored(&store);

    // Submitting, confirmed on the screen as it was: the store refuses,
    // and its reason shows in Chinese.
    key(&mut app, &mut store, KeyCode::Char('S'));
    key(&mut app, &mut store, KeyCode::Char('y'));
    let msg = app.message.clone().expect("the refusal is shown");
    assert_eq!(msg.level, Level::Error, "{}", msg.text);
    assert!(
        msg.text.contains("本轮(sel-2016)已进入合议,不再接受评分"),
        "{}",
        msg.text
    );
    assert!(!msg.text.contains("no longer takes scores"), "{}", msg.text);
    assert_eq!(stored(&store), before, "nothing was written");

    // A value typed now is refused too (the screen knows by now), in Chinese.
    key(&mut app, &mut store, KeyCode::Char('7'));
    let msg = app.message.clone().expect("the refusal is shown");
    assert_ne!(msg.level, Level::Info, "{}", msg.text);
    assert!(msg.text.contains("合议"), "{}", msg.text);
    assert!(!msg.text.is_ascii(), "{}", msg.text);
    assert_eq!(stored(&store), before, "nothing was written");

    // The store's other refusals below the faces follow the same setting.
    let err = store
        .write("m01", true, |w| w.advance_round("sel-2016"))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "本轮(sel-2016)已进入合议:须定案才能继续");
    let err = store
        .write("m01", true, |w| w.advance_round("nope"))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "round:找不到轮次 \"nope\"");
}
