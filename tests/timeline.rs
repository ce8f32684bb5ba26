//! The applicant timeline (issue 7): every round, score, grade and decision
//! of one applicant across the years, reachable from the queue, the matrix
//! and search; as `jury timeline` at the command line; and who may read it.

mod common;

use common::{Engine, Place, place};
use jury::base::i18n::Lang;
use jury::domain::{Outcome, RoundState};
use jury::store::Store;
use jury::tui::app::{App, Effect, Level, Screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

on_both_engines!(
    h_in_the_queue_opens_the_timeline_and_esc_returns,
    a_recused_member_is_refused_the_timeline,
    a_conflict_declared_meanwhile_closes_the_timeline,
    the_secretary_opens_it_from_the_matrix_and_the_list_with_live_aggregates,
    search_hits_open_the_timeline_of_their_application,
    a_promoted_reserve_shows_the_round_it_sat_out,
    timeline_120x40,
    timeline_narrow_80x24_english,
    jury_timeline_follows_who_is_asking,
    the_timeline_draws_at_any_size,
    assessment_list_120x40,
    assessment_review_with_investment_actuals_120x40,
    the_secretary_opens_the_next_years_assessment_from_the_list,
);

// The place goes last: its database outlives the store's connection.
struct Rig {
    store: Store,
    app: App,
    _place: Place,
}

/// The sample as of early 2020 (selection and the 2017–2018 assessments
/// finalised, 2019 being scored), signed in as `member`; None when the
/// PostgreSQL half is skipped.
fn rig(engine: Engine, lang: Lang, member: &str) -> Option<Rig> {
    let place = place(engine)?;
    let mut store = Store::open(&place.db).unwrap();
    jury::panel::sample::load_history(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, lang, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn(member.into()));
    Some(Rig {
        store,
        app,
        _place: place,
    })
}

impl Rig {
    fn press(&mut self, e: KeyEvent) {
        for effect in self.app.handle_key(e) {
            jury::tui::perform(&mut self.app, &mut self.store, effect);
        }
    }
    fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }
    fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
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
    fn shown(&self) -> &jury::panel::timeline::Timeline {
        &self.app.timeline.as_ref().expect("timeline open").timeline
    }
    fn entry(&self, round: &str) -> &jury::panel::timeline::Entry {
        self.shown()
            .entries
            .iter()
            .find(|e| e.round == round)
            .unwrap_or_else(|| panic!("no entry {round}"))
    }
}

fn h_in_the_queue_opens_the_timeline_and_esc_returns(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::En, "m02") else {
        return;
    };
    assert_eq!(r.app.screen, Screen::Queue);
    assert_eq!(r.app.round.as_ref().unwrap().id, "asm-2019");
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline, "{:?}", r.app.message);
    let t = r.shown();
    assert_eq!(t.applicant.id, "county-miluo");
    let rounds: Vec<&str> = t.entries.iter().map(|e| e.round.as_str()).collect();
    assert_eq!(rounds, ["sel-2016", "asm-2017", "asm-2018", "asm-2019"]);
    // Warned in 2017 with a deadline, continued in 2018.
    let e2017 = r.entry("asm-2017");
    assert_eq!(e2017.outcome, Some(Outcome::Warned));
    assert_eq!(e2017.grade.as_deref(), Some("不合格"));
    assert!(e2017.failing && e2017.due_on.is_some());
    assert_eq!(r.entry("asm-2018").outcome, Some(Outcome::Continued));
    // A reviewer sees their own score and the panel's decided ones, and
    // nothing of the round still being scored but their own.
    assert!(r.entry("asm-2017").mine.is_some());
    let now = r.entry("asm-2019");
    assert_eq!(now.state, RoundState::Scoring);
    assert!(now.score.is_none() && !now.live);
    // Opens on the latest decided round; ↑↓ move between rounds.
    let s = r.app.timeline.as_ref().unwrap();
    assert_eq!(s.selected().unwrap().round, "asm-2018");
    r.key(KeyCode::Up);
    assert_eq!(
        r.app.timeline.as_ref().unwrap().selected().unwrap().round,
        "asm-2017"
    );
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(r.app.timeline.is_none());
    assert_eq!(
        r.app.queue.selected_row().unwrap().app_id,
        "county-miluo",
        "the queue keeps its place"
    );
    // q goes back too, rather than quitting.
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline);
    r.key(KeyCode::Char('q'));
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(!r.app.quit);
}

fn a_recused_member_is_refused_the_timeline(engine: Engine) {
    // m05's home is 岳阳, 汨罗市's prefecture.
    let Some(mut r) = rig(engine, Lang::Zh, "m05") else {
        return;
    };
    r.app.queue.select_app("county-miluo");
    assert_eq!(
        r.app.queue.selected_row().unwrap().app_id,
        "county-miluo",
        "汨罗市 is in m05's queue (recused)"
    );
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(r.app.timeline.is_none());
    let m = r.app.message.as_ref().unwrap();
    assert_eq!(m.level, Level::Error);
    assert!(m.text.contains("您已回避此申报"), "{}", m.text);
    // And the library says the same to anyone asking.
    let m05 = r.store.member("m05").unwrap().unwrap();
    let refused = jury::panel::timeline::build(&r.store, "county-miluo", Some(&m05));
    assert!(matches!(refused, Err(jury::store::StoreError::Refused(_))));
}

fn a_conflict_declared_meanwhile_closes_the_timeline(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::En, "m06") else {
        return;
    };
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline);
    // Another process changes the data: the timeline follows it.
    r.store
        .write("m01", true, |w| {
            w.put_conflict(&jury::domain::Conflict {
                member: "m06".into(),
                application: "county-miluo".into(),
                reason: "test".into(),
            })
            .map(drop)
        })
        .unwrap();
    jury::tui::reload(&mut r.app, &mut r.store);
    assert_eq!(r.app.screen, Screen::Queue);
    assert!(r.app.timeline.is_none(), "nothing of it stays on screen");
    assert!(r.app.message.as_ref().unwrap().text.contains("recused"));
}

fn the_secretary_opens_it_from_the_matrix_and_the_list_with_live_aggregates(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::En, "m01") else {
        return;
    };
    assert_eq!(r.app.screen, Screen::Matrix);
    let s = r.app.secretary.as_ref().unwrap();
    assert_eq!(s.matrix.round.id, "asm-2019");
    let pos = s
        .order
        .iter()
        .position(|&i| s.matrix.rows[i].app == "county-miluo")
        .unwrap();
    r.app.secretary.as_mut().unwrap().selected = pos;
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline, "{:?}", r.app.message);
    let now = r.entry("asm-2019");
    assert!(now.live && now.score.is_some(), "{now:?}");
    assert!(now.mine.is_none(), "the secretary reviews nothing");
    // Decided rounds show the decision's score, not a live one.
    let decided = r.entry("asm-2017");
    assert!(!decided.live && decided.score.is_some());
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Matrix);

    r.key(KeyCode::Tab);
    assert_eq!(r.app.screen, Screen::List);
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline, "{:?}", r.app.message);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::List);
}

fn search_hits_open_the_timeline_of_their_application(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::En, "m06") else {
        return;
    };
    r.ctrl('f');
    assert_eq!(r.app.screen, Screen::Search);
    // A finalised decision of this programme: it names its application.
    r.keys("汨罗 year:2017");
    let hit = r.app.search.as_ref().unwrap().selected().cloned();
    let hit = hit.expect("a hit");
    assert_eq!(hit.record.application.as_deref(), Some("county-miluo"));
    r.ctrl('t');
    assert_eq!(r.app.screen, Screen::Timeline, "{:?}", r.app.message);
    assert_eq!(r.shown().applicant.id, "county-miluo");
    // Searching again from a timeline opened from search goes back to that
    // search; the two never send Esc back and forth.
    r.ctrl('f');
    assert_eq!(r.app.screen, Screen::Search);
    assert!(r.app.timeline.is_none());
    r.ctrl('t');
    assert_eq!(r.app.screen, Screen::Timeline);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Search);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Queue);

    // Queue → timeline → search → another timeline: Esc walks back through
    // the search to the queue.
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Char('h'));
    r.ctrl('f');
    assert_eq!(r.app.screen, Screen::Search);
    r.ctrl('t');
    assert_eq!(r.app.screen, Screen::Timeline);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Search);
    r.key(KeyCode::Esc);
    assert_eq!(r.app.screen, Screen::Queue);

    // A decision of an earlier programme has no application to show.
    r.ctrl('f');
    for _ in 0.."汨罗 year:2017".chars().count() {
        r.key(KeyCode::Backspace);
    }
    r.keys("汨罗 year:2014");
    let s = r.app.search.as_ref().unwrap();
    assert!(s.selected().is_some_and(|f| f.record.application.is_none()));
    r.ctrl('t');
    assert_eq!(r.app.screen, Screen::Search);
    assert!(
        r.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("earlier programme")
    );
}

fn a_promoted_reserve_shows_the_round_it_sat_out(engine: Engine) {
    let Some(r) = rig(engine, Lang::Zh, "m06") else {
        return;
    };
    let m06 = r.store.member("m06").unwrap().unwrap();
    let t = jury::panel::timeline::build(&r.store, "town-shimen-hupingshan", Some(&m06)).unwrap();
    let outcomes: Vec<(String, bool, Option<Outcome>)> = t
        .entries
        .iter()
        .map(|e| (e.round.clone(), e.involved, e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("sel-2016".to_string(), true, Some(Outcome::Reserve)),
            ("asm-2017".to_string(), false, None),
            ("asm-2018".to_string(), true, Some(Outcome::Promoted)),
            ("asm-2019".to_string(), true, None),
        ]
    );
    // Investment against the plan for the years with actuals.
    assert!(t.investment.iter().any(|y| y.completion.is_some()));
}

fn timeline_120x40(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::Zh, "m02") else {
        return;
    };
    r.app.queue.select_app("county-miluo");
    r.key(KeyCode::Char('h'));
    // The 2017 warning, with its deadline and rationale.
    r.key(KeyCode::Up);
    let t = r.screen(120, 40);
    let text = format!("{}", t.backend());
    for needle in [
        "汨罗市",
        "限期整改",
        "2018-09-30",
        "不合格",
        "以往计划中的决定",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // Named, as every snapshot here: both engines' runs compare with one.
    insta::assert_snapshot!("timeline_120x40", t.backend());
}

fn timeline_narrow_80x24_english(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::En, "m01") else {
        return;
    };
    let s = r.app.secretary.as_ref().unwrap();
    let pos = s
        .order
        .iter()
        .position(|&i| s.matrix.rows[i].app == "county-miluo")
        .unwrap();
    r.app.secretary.as_mut().unwrap().selected = pos;
    r.key(KeyCode::Char('h'));
    insta::assert_snapshot!("timeline_narrow_80x24_english", r.screen(80, 24).backend());
}

fn history_db(engine: Engine) -> Option<(Place, std::path::PathBuf)> {
    let place = place(engine)?;
    let db = place.db.clone();
    let mut store = Store::open(&db).unwrap();
    jury::panel::sample::load_history(&mut store, "test").unwrap();
    Some((place, db))
}

fn jury_timeline_follows_who_is_asking(engine: Engine) {
    let Some((_place, db)) = history_db(engine) else {
        return;
    };
    // Recused (home prefecture): refused, nothing read.
    let out = common::jury(&db, &["--as", "m05", "timeline", "county-miluo"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("You are recused from this application."),
        "{}",
        common::stderr(&out)
    );
    assert!(common::stdout(&out).is_empty());
    let out = common::jury(&db, &["--as", "m05", "timeline", "county-miluo", "--json"]);
    assert!(!out.status.success() && common::stdout(&out).is_empty());

    // A reviewer: their own scores, decisions of finalised rounds, no live
    // aggregate of the round being scored.
    let out = common::jury(&db, &["--as", "m02", "timeline", "county-miluo", "--json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v = common::json(&out);
    assert_eq!(v["viewer"], "m02");
    assert_eq!(v["live_scores"], false);
    let entries = v["entries"].as_array().unwrap();
    let by_round = |id: &str| entries.iter().find(|e| e["round"] == id).unwrap().clone();
    assert_eq!(by_round("asm-2017")["outcome"], "warned");
    assert!(
        by_round("asm-2017")["rationale"]
            .as_str()
            .unwrap()
            .contains("不合格")
    );
    assert!(by_round("asm-2019")["score"].is_null());
    assert_eq!(by_round("asm-2019")["live"], false);
    // Only their own review, as a status and a total: no one else's.
    let mine = &by_round("asm-2017")["mine"];
    assert_eq!(mine["status"], "submitted");
    assert!(mine["total"].is_number());
    let text = serde_json::to_string(&v).unwrap();
    for other in ["m01", "m03", "m04", "m05", "m06", "m07"] {
        assert!(!text.contains(&format!("\"{other}\"")), "{other} in {text}");
    }

    // The operator (no --as, an unlocked panel) and the secretary see the
    // live aggregate of the round being scored.
    for who in [&[][..], &["--as", "m01"][..]] {
        let mut args = who.to_vec();
        args.extend(["timeline", "county-miluo", "--json"]);
        let out = common::jury(&db, &args);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let v = common::json(&out);
        let now = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["round"] == "asm-2019")
            .unwrap()
            .clone();
        assert_eq!(now["live"], true, "{who:?}");
        assert!(now["score"].is_number());
    }

    // Text output: aligned table, rationale, investment, earlier programmes.
    let out = common::jury(&db, &["--as", "m02", "timeline", "county-miluo"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    for needle in [
        "2017 annual assessment",
        "warned",
        "Investment",
        "Earlier programmes",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // An unknown application is refused plainly.
    let out = common::jury(&db, &["timeline", "no-such-app"]);
    assert!(!out.status.success());
    assert!(common::stderr(&out).contains("no-such-app"));
}

fn the_timeline_draws_at_any_size(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::Zh, "m01") else {
        return;
    };
    r.key(KeyCode::Char('h'));
    assert_eq!(r.app.screen, Screen::Timeline, "{:?}", r.app.message);
    for (w, h) in [
        (1, 1),
        (10, 4),
        (20, 6),
        (40, 10),
        (60, 15),
        (99, 30),
        (200, 60),
    ] {
        for _ in 0..3 {
            r.key(KeyCode::PageDown);
            r.key(KeyCode::Down);
            r.screen(w, h);
        }
        r.key(KeyCode::Up);
        r.screen(w, h);
    }
}

/// The 2019 assessment's list on the secretary's screen, every review in:
/// grades, investment completed, the exit and the promotion, in Chinese.
fn assessment_list_120x40(engine: Engine) {
    let Some(place) = place(engine) else {
        return;
    };
    let mut store = Store::open(&place.db).unwrap();
    jury::panel::sample::load_history(&mut store, "test").unwrap();
    jury::panel::sample::complete_reviews(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, Lang::Zh, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn("m01".into()));
    let mut r = Rig {
        store,
        app,
        _place: place,
    };
    assert_eq!(r.app.screen, Screen::Matrix);
    r.key(KeyCode::Tab);
    assert_eq!(r.app.screen, Screen::List);
    // Down to 汨罗市, the exit, so its reasons show below the list (浏阳市,
    // which m01 is recused from, sits masked at the end of its tier).
    for _ in 0..9 {
        r.key(KeyCode::Down);
    }
    let t = r.screen(120, 40);
    let text = format!("{:?}", t.backend().buffer());
    assert!(text.contains("退出试点") && text.contains("递补入选"));
    insta::assert_snapshot!("assessment_list_120x40", t.backend());
}

/// A reviewer assessing 汨罗市 in 2019: on the investment criterion the
/// material shows the plan against what was actually invested, first.
fn assessment_review_with_investment_actuals_120x40(engine: Engine) {
    let Some(mut r) = rig(engine, Lang::Zh, "m06") else {
        return;
    };
    r.app.queue.select_app("county-miluo");
    assert_eq!(
        r.app.queue.selected_row().map(|row| row.app_id.as_str()),
        Some("county-miluo")
    );
    r.key(KeyCode::Enter);
    r.key(KeyCode::Down); // 投资完成情况
    let t = r.screen(120, 40);
    let text = format!("{:?}", t.backend().buffer());
    assert!(text.contains("实际完成") && text.contains("38%"), "{text}");
    insta::assert_snapshot!("assessment_review_investment_120x40", t.backend());
}

/// After finalising 2019, the secretary opens 2020 from the list screen:
/// the pilots as they now stand, every reviewer assigned.
fn the_secretary_opens_the_next_years_assessment_from_the_list(engine: Engine) {
    let Some(place) = place(engine) else {
        return;
    };
    let mut store = Store::open(&place.db).unwrap();
    jury::panel::sample::load_history(&mut store, "test").unwrap();
    jury::panel::sample::complete_reviews(&mut store, "test").unwrap();
    let mut app = jury::tui::build_app(&store, Lang::En, Some("dark"), None).unwrap();
    jury::tui::perform(&mut app, &mut store, Effect::SignIn("m01".into()));
    let mut r = Rig {
        store,
        app,
        _place: place,
    };
    r.key(KeyCode::Tab);
    // Not yet: 2019 is not finalised.
    r.keys("N");
    assert_eq!(r.app.message.as_ref().unwrap().level, Level::Warning);
    assert!(r.app.popup.is_none());
    for k in ["A", "y", "F", "y"] {
        r.keys(k);
    }
    assert_eq!(
        r.store.round("asm-2019").unwrap().unwrap().state,
        RoundState::Finalised
    );
    r.keys("N");
    r.keys("y");
    let round = r.store.round("asm-2020").unwrap().expect("2020 opened");
    assert_eq!(round.state, RoundState::Scoring);
    assert!(!round.midterm);
    let pilots: std::collections::BTreeSet<String> = r
        .store
        .assignments("asm-2020")
        .unwrap()
        .into_iter()
        .map(|a| a.application)
        .collect();
    assert!(pilots.contains("county-xiangxiang") && !pilots.contains("county-miluo"));
    // The secretary's screens now show the new round.
    let s = r.app.secretary.as_ref().unwrap();
    assert_eq!(s.matrix.round.id, "asm-2020");
    assert!(r.app.message.as_ref().unwrap().text.contains("2020"));
}
