//! Pinyin for names, with every reading of polyphonic characters: the
//! common crates give the first reading only (长沙 → "zhangsha"), so every
//! combination of readings is kept, up to a bound.

use super::fold::is_han;
use pinyin::ToPinyinMulti;

/// Most reading combinations kept per name (2 polyphones of 3 readings and
/// a third of 2 is 18; names rarely come near this).
const MAX_COMBINATIONS: usize = 64;

/// The readings of one character, plain (no tones), or the character itself.
fn readings(c: char) -> Vec<String> {
    if !is_han(c) {
        return vec![c.to_lowercase().collect()];
    }
    match c.to_pinyin_multi() {
        Some(multi) => {
            let mut out: Vec<String> = (0..multi.count())
                .map(|i| multi.get(i).plain().to_string())
                .collect();
            out.dedup();
            out
        }
        None => vec![c.to_string()],
    }
}

/// Every full-pinyin spelling of `text` ("changsha", "zhangsha") and every
/// initials spelling ("cs", "zs"), Han characters only contributing pinyin.
pub fn spellings(text: &str) -> (Vec<String>, Vec<String>) {
    let mut full: Vec<String> = vec![String::new()];
    let mut initials: Vec<String> = vec![String::new()];
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let r = readings(c);
        let next = |acc: &Vec<String>, f: &dyn Fn(&str) -> String| -> Vec<String> {
            let mut out = Vec::new();
            for a in acc {
                for x in &r {
                    if out.len() >= MAX_COMBINATIONS {
                        break;
                    }
                    out.push(format!("{a}{}", f(x)));
                }
            }
            out.sort();
            out.dedup();
            out
        };
        full = next(&full, &|x| x.to_string());
        initials = next(&initials, &|x| {
            x.chars().next().map(String::from).unwrap_or_default()
        });
    }
    (full, initials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polyphones_keep_every_reading() {
        let (full, initials) = spellings("长沙");
        assert!(full.contains(&"changsha".to_string()), "{full:?}");
        assert!(full.contains(&"zhangsha".to_string()), "{full:?}");
        assert!(initials.contains(&"cs".to_string()), "{initials:?}");
        let (full, _) = spellings("重庆");
        assert!(full.contains(&"chongqing".to_string()), "{full:?}");
        let (full, _) = spellings("银行");
        assert!(full.contains(&"yinhang".to_string()), "{full:?}");
        // The dictionary also lists rare readings (化 huo); they are kept too.
        let (full, initials) = spellings("怀化");
        assert!(full.contains(&"huaihua".to_string()), "{full:?}");
        assert!(initials.contains(&"hh".to_string()), "{initials:?}");
    }

    #[test]
    fn mixed_text_and_bounds() {
        let (full, _) = spellings("G60长沙");
        assert!(full.contains(&"g60changsha".to_string()), "{full:?}");
        let (full, _) = spellings(&"长".repeat(20));
        assert!(full.len() <= MAX_COMBINATIONS);
    }
}
