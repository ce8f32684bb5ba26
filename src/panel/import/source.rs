//! Gathering input files: paths may be files or folders (walked in sorted
//! order, hidden files and documentation skipped), read into memory with
//! their display names.

use super::{ImportError, Origin};
use crate::base::i18n::say;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user will recognise it in an error.
    pub name: String,
    pub bytes: Vec<u8>,
}

const DATA_EXTENSIONS: &[&str] = &["toml", "csv", "tsv", "xlsx", "xlsm", "xls"];

/// Reads every data file under `paths`. A folder contributes its data files
/// (by extension, recursively, sorted); a file named explicitly is always read.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<SourceFile>, ImportError> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            ImportError::new(
                Origin::file(&path.display().to_string()),
                say(format!("无法读取:{e}"), format!("cannot read: {e}")),
            )
        })?;
        if meta.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(path.clone());
        }
    }
    found
        .into_iter()
        .map(|p| {
            let name = p.display().to_string();
            std::fs::read(&p)
                .map(|bytes| SourceFile {
                    name: name.clone(),
                    bytes,
                })
                .map_err(|e| {
                    ImportError::new(
                        Origin::file(&name),
                        say(format!("无法读取:{e}"), format!("cannot read: {e}")),
                    )
                })
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ImportError::new(
            Origin::file(&dir.display().to_string()),
            say(
                format!("无法读取文件夹:{e}"),
                format!("cannot read folder: {e}"),
            ),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.starts_with("~$") {
            continue; // hidden files and Excel's lock files
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Decodes text as Excel and editors write it: UTF-8 (with or without BOM),
/// UTF-16 with a BOM, or else GBK (GB18030), which Chinese Excel uses for CSV.
pub(crate) fn decode(file: &str, bytes: &[u8]) -> Result<String, ImportError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(ImportError::new(
                Origin::file(file),
                say(
                    format!("不是有效的 {} 文本", enc.name()),
                    format!("not valid {} text", enc.name()),
                ),
            ));
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = std::str::from_utf8(bytes).unwrap_err().valid_up_to();
        let line = bytes[..bad].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(ImportError::new(
            Origin::at(file, line),
            say(
                "应为 UTF-8 或 GBK 编码的文本;此文件两者都不是",
                "expected text in UTF-8 or GBK; this file is neither",
            ),
        ));
    }
    Ok(text.into_owned())
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_gbk() {
        assert_eq!(decode("f", "长沙".as_bytes()).unwrap(), "长沙");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("长沙".as_bytes());
        assert_eq!(decode("f", &bom).unwrap(), "长沙");
        let (gbk, _, _) = encoding_rs::GBK.encode("怀化,湘西州");
        assert_eq!(decode("f", &gbk).unwrap(), "怀化,湘西州");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("株洲".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode("f", &utf16).unwrap(), "株洲");
    }

    #[test]
    fn rejects_garbage_with_line() {
        let bytes = b"ok\nok\n\xff\xff\xff\n";
        let err = decode("f.csv", bytes).unwrap_err();
        assert_eq!(err.origin.line, Some(3));
    }

    #[test]
    fn line_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
