//! Exports: golden bytes, read back by a CSV and an XLSX reader with Chinese
//! intact; deterministic; logged with their SHA-256; formulas neutralised;
//! score sheets that go out and come back.

mod common;
use common::*;
use std::path::Path;

on_both_engines!(
    internal_csv_is_golden_and_reads_back_with_chinese,
    xlsx_has_a_summary_and_a_sheet_per_tier_and_is_deterministic,
    public_list_has_names_by_tier_and_region_without_scores,
    exports_are_logged_with_their_hash,
    hostile_names_are_neutralised_in_csv,
    score_sheets_go_out_and_come_back_attributed_and_checked,
);

fn export(db: &Path, dir: &Path, name: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let mut args = vec!["export", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = jury(db, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read(out).unwrap()
}

/// The audit chain's head an export ends with, as "#N HASH" with a fixed
/// hash: the log's times make every database's head its own.
fn steady_head(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let label = "审计链头 audit chain head";
    let Some(at) = text.find(label) else {
        panic!("no audit head in the export:\n{text}");
    };
    let after = &text[at..];
    let hash_at = after.find('#').expect("#N HASH");
    let rest = &after[hash_at..];
    let end = rest.find(' ').expect("#N HASH") + 1 + 64;
    let mut out = text[..at + hash_at].to_string();
    out.push_str("#N ");
    out.push_str(&"h".repeat(64));
    out.push_str(&rest[end..]);
    out.into_bytes()
}

/// Compares with tests/golden/NAME; `UPDATE_GOLDEN=1 cargo test` rewrites it.
fn golden(name: &str, bytes: &[u8]) {
    let steady;
    let bytes = if name.ends_with(".xlsx") {
        bytes
    } else {
        steady = steady_head(bytes);
        &steady
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, bytes).unwrap();
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == bytes,
        "{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"
    );
}

fn internal_csv_is_golden_and_reads_back_with_chinese(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let bytes = export(&db, dir.path(), "list.csv", &["--lang", "zh"]);
    assert_eq!(
        &bytes[..3],
        &[0xEF, 0xBB, 0xBF],
        "a BOM so Excel reads UTF-8"
    );
    golden("list_internal.csv", &bytes);
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header[..8],
        [
            "序号",
            "申报主体",
            "市州",
            "层级",
            "区域",
            "综合得分",
            "层级内排名",
            "结果"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r[0].starts_with("审计链头"))
        .collect();
    assert!(
        rows.iter()
            .any(|r| &r[1] == "长株潭融城地区城镇群" && &r[7] == "入选")
    );
    assert!(
        rows.iter()
            .any(|r| &r[1] == "耒阳市" && &r[8] == "直接纳入")
    );
    // Every selected line per tier respects the cap of one per 市州.
    for tier in ["城镇群", "县(县级市)", "镇"] {
        let mut seen = std::collections::BTreeMap::new();
        for r in rows
            .iter()
            .filter(|r| &r[3] == tier && &r[7] == "入选" && &r[8] != "直接纳入")
        {
            *seen.entry(r[2].to_string()).or_insert(0) += 1;
        }
        assert!(seen.values().all(|n| *n <= 1), "{tier}: {seen:?}");
    }
}

fn xlsx_has_a_summary_and_a_sheet_per_tier_and_is_deterministic(engine: Engine) {
    use calamine::{Data, Reader};
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    // Two copies of one database (an export is itself logged, so the
    // second export from the same database has a later audit head): a
    // backup copied as a file, or on a server the panel copied whole into
    // a second database.
    let (first, twin, _second) = match engine {
        Engine::Sqlite => {
            let twin = dir.path().join("twin.db");
            let o = jury(&db, &["backup", twin.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            let first = dir.path().join("first.db");
            std::fs::copy(&twin, &first).unwrap();
            (first, twin, None)
        }
        Engine::Postgres => {
            let second = place(engine).expect("a second database on the same server");
            let twin = second.db.clone();
            let o = jury(&db, &["copy", db.to_str().unwrap(), twin.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            (db.clone(), twin, Some(second))
        }
    };
    let a = export(&first, dir.path(), "a.xlsx", &["--lang", "zh"]);
    let b = export(&twin, dir.path(), "b.xlsx", &["--lang", "zh"]);
    assert!(a == b, "the same database gives the same bytes");
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(a)).unwrap();
    // The golden file is the workbook's cells, sheet by sheet (its bytes
    // hold the audit head, which differs from one database to the next).
    let mut dump = String::new();
    for name in book.sheet_names() {
        dump.push_str(&format!("== {name}\n"));
        for row in book.worksheet_range(&name).unwrap().rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            dump.push_str(&cells.join("\t"));
            dump.push('\n');
        }
    }
    golden("list_internal.xlsx.txt", &steady_head(dump.as_bytes()));
    assert_eq!(book.sheet_names(), ["汇总", "城镇群", "县(县级市)", "镇"]);
    let sheet = book.worksheet_range("县(县级市)").unwrap();
    assert_eq!(
        sheet.get_value((0, 1)),
        Some(&Data::String("申报主体".into()))
    );
    let names: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(names.contains(&"浏阳市".to_string()), "{names:?}");
    assert!(
        matches!(sheet.get_value((3, 5)), Some(Data::Float(_))),
        "scores are numbers"
    );
}

fn public_list_has_names_by_tier_and_region_without_scores(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let bytes = export(&db, dir.path(), "public.csv", &["--public", "--lang", "zh"]);
    golden("list_public.csv", &bytes);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("序号,层级,区域,申报主体,市州\r\n"),
        "{text}"
    );
    assert!(
        !text.contains("备选") && !text.contains("按分"),
        "only the selected, no scores: {text}"
    );
    let md = export(&db, dir.path(), "public.md", &["--public", "--lang", "zh"]);
    golden("list_public.md", &md);
}

fn exports_are_logged_with_their_hash(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let bytes = export(&db, dir.path(), "list.json", &[]);
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let logged = sql_text(
        &db,
        "SELECT new FROM audit_log WHERE entity = 'export' ORDER BY seq DESC LIMIT 1",
    )
    .unwrap();
    assert!(logged.contains(&sha), "{logged}");
    assert!(jury(&db, &["verify"]).status.success());
}

fn hostile_names_are_neutralised_in_csv(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let app = sample_dir().join("applications/county-liuyang.toml");
    let text = std::fs::read_to_string(app).unwrap().replacen(
        "name = \"浏阳市\"",
        "name = \"=HYPERLINK(\\\"http://x\\\")\"",
        1,
    );
    let path = dir.path().join("county-liuyang.toml");
    std::fs::write(&path, text).unwrap();
    assert!(
        jury(&db, &["import", path.to_str().unwrap()])
            .status
            .success()
    );
    let bytes = export(&db, dir.path(), "list.csv", &[]);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"));
}

fn score_sheets_go_out_and_come_back_attributed_and_checked(engine: Engine) {
    let Some((dir, db)) = sample_on(engine) else {
        return;
    };
    let bytes = export(
        &db,
        dir.path(),
        "m06.csv",
        &["--score-sheet", "--member", "m06"],
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let head = rows.pop().expect("rows");
    assert!(
        head[0].starts_with("审计链头"),
        "the sheet ends with the audit head"
    );
    assert!(rows.iter().all(|r| &r[1] == "m06"));
    assert!(
        !rows.iter().any(|r| &r[2] == "town-xinhuang-bozhou"),
        "recused applications are left out"
    );
    // Fill county-miluo completely and submit it.
    let mut filled = Vec::new();
    for r in rows.iter_mut().filter(|r| &r[2] == "county-miluo") {
        let mut cells: Vec<String> = r.iter().map(str::to_string).collect();
        if &r[4] != "overall" {
            let max: f64 = r[6].parse().unwrap();
            cells[7] = format!("{}", max - 2.0);
        }
        cells[9] = "submitted".into();
        filled.push(cells);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &filled {
        w.write_record(r).unwrap();
    }
    let sheet = dir.path().join("back.csv");
    std::fs::write(&sheet, w.into_inner().unwrap()).unwrap();
    let out = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = json(&jury(&db, &["status", "--json"]));
    let review = status["rounds"][0]["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["member"] == "m06" && r["application"] == "county-miluo")
        .unwrap()
        .clone();
    assert_eq!(review["status"], "submitted");
    assert_eq!(review["total"], 88.0);
    // An out-of-range value in a returned sheet is refused, naming the file.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in rows
        .iter()
        .filter(|r| &r[2] == "county-shaodong" && &r[4] == "base")
    {
        let mut cells: Vec<String> = r.iter().map(str::to_string).collect();
        cells[7] = "26".into();
        w.write_record(&cells).unwrap();
    }
    std::fs::write(&sheet, w.into_inner().unwrap()).unwrap();
    let out = jury(&db, &["import", sheet.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("back.csv") && stderr(&out).contains("0 to 25"),
        "{}",
        stderr(&out)
    );
    // The XLSX sheet reads back through the importer unchanged.
    export(
        &db,
        dir.path(),
        "m06.xlsx",
        &["--score-sheet", "--member", "m06"],
    );
    let out = jury(
        &db,
        &[
            "import",
            "--json",
            dir.path().join("m06.xlsx").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["changed"], false);
}
