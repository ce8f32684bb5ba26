//! Huge input: a field or a file past the import limits gets a clear error
//! naming the file, line and field, and the database is left unchanged.

mod common;
use common::*;

const KIB: usize = 1024;

fn application_with_section(id: &str, base: &str) -> String {
    let sample = std::fs::read_to_string(sample_dir().join("applications/county-miluo.toml"))
        .expect("a sample application");
    // Same file, another id, and one section replaced.
    let mut out = String::new();
    let mut skipping = false;
    for line in sample.lines() {
        if line.starts_with("id = ") {
            out.push_str(&format!("id = \"{id}\"\n"));
            continue;
        }
        if let Some(rest) = line.strip_prefix("base = \"\"\"") {
            out.push_str(&format!("base = \"\"\"{base}\"\"\"\n"));
            skipping = !rest.contains("\"\"\"");
            continue;
        }
        if skipping {
            skipping = !line.contains("\"\"\"");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn a_huge_work_plan_section_is_refused_with_its_line_and_field() {
    let (dir, db) = sample_db();
    let before = snapshot(&db);
    let file = dir.path().join("huge.toml");
    let text = application_with_section("county-huge", &"城".repeat(100 * KIB));
    std::fs::write(&file, &text).unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let line = text.lines().position(|l| l.starts_with("base = ")).unwrap() + 1;
    assert!(
        err.contains(&format!("huge.toml:{line}: field sections.base")),
        "{err}"
    );
    assert!(err.contains("at most 256 KiB"), "{err}");
    assert_eq!(snapshot(&db), before);

    // Just under the limit is fine.
    std::fs::write(
        &file,
        application_with_section("county-large", &"城".repeat(80 * KIB)),
    )
    .unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_huge_csv_cell_is_refused_with_its_line_and_column() {
    let (dir, db) = sample_db();
    let before = snapshot(&db);
    let file = dir.path().join("scores.csv");
    let comment = "x".repeat(300 * KIB);
    std::fs::write(
        &file,
        format!(
            "round,member,application,criterion,value,comment,status\n\
             sel-2016,m06,county-miluo,base,20,,draft\n\
             sel-2016,m06,county-miluo,features,8,{comment},draft\n"
        ),
    )
    .unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("scores.csv:3: field comment"), "{err}");
    assert!(err.contains("found 300 KiB"), "{err}");
    assert_eq!(snapshot(&db), before);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read_as_data() {
    let (dir, db) = sample_db();
    let before = snapshot(&db);
    let file = dir.path().join("dump.csv");
    let mut bytes = b"round,member,application,criterion,value\n".to_vec();
    bytes.resize(65 * KIB * KIB, b'a');
    std::fs::write(&file, &bytes).unwrap();
    let out = jury(&db, &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("dump.csv: expected a file of at most 64 MiB"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);
}
