//! Hostile input never panics: the query parser and every importer take
//! arbitrary text and bytes and answer with a value or a located error.

use jury::panel::import::{self, SourceFile};
use proptest::prelude::*;

fn parse_file(name: &str, bytes: Vec<u8>) -> Result<usize, Vec<import::ImportError>> {
    let files = vec![SourceFile {
        name: name.into(),
        bytes,
    }];
    import::parse(&files, &mut |_| {}).map(|r| r.len())
}

/// Cases per property: 300 in `cargo test`; `JURY_FUZZ_CASES=20000` for a
/// long run.
fn cases() -> u32 {
    std::env::var("JURY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn query_parser_never_panics(q in "\\PC{0,60}") {
        let _ = jury::panel::search::query::parse(&q);
    }

    #[test]
    fn query_parser_with_filter_shapes(key in "(tier|city|year|score|dec|grade|flag|round|x):", value in "[<>=0-9a-z长沙:\"-]{0,8}") {
        let _ = jury::panel::search::query::parse(&format!("{key}{value} 长沙 -退出 \"边界"));
    }

    #[test]
    fn csv_import_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_file("x.csv", bytes);
    }

    #[test]
    fn csv_with_a_real_header_and_random_rows(rows in proptest::collection::vec("[a-z0-9,.\"长沙 -]{0,40}", 0..8)) {
        let text = format!("round,member,application,criterion,value,comment,status\n{}", rows.join("\n"));
        let _ = parse_file("s.csv", text.into_bytes());
        let text = format!("application,project,total,2017,2018\n{}", rows.join("\n"));
        let _ = parse_file("p.csv", text.into_bytes());
        let text = format!("id,programme,round,kind,year,decided_on,applicant,tier,prefecture,outcome,grade,score\n{}", rows.join("\n"));
        let _ = parse_file("d.csv", text.into_bytes());
        let text = format!("申报主体编号,年度,实际完成投资\n{}", rows.join("\n"));
        let _ = parse_file("a.csv", text.into_bytes());
    }

    #[test]
    fn toml_import_never_panics(text in "\\PC{0,200}") {
        let _ = parse_file("a.toml", text.clone().into_bytes());
        let _ = parse_file("b.toml", format!("kind = \"application\"\n{text}").into_bytes());
        let _ = parse_file("c.toml", format!("kind = \"panel\"\n[[members]]\n{text}").into_bytes());
    }

    #[test]
    fn xlsx_import_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(bytes);
        let _ = parse_file("x.xlsx", zipped);
    }
}

#[test]
fn errors_from_garbage_name_the_file() {
    let err = parse_file("garbage.csv", vec![0xff, 0xfe, 0x00, 0xd8, 0x00]).unwrap_err();
    assert!(err[0].to_string().starts_with("garbage.csv"), "{}", err[0]);
    let err = parse_file("zip.xlsx", b"PK\x03\x04nonsense".to_vec()).unwrap_err();
    assert!(err[0].to_string().starts_with("zip.xlsx"), "{}", err[0]);
}
