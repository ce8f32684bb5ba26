//! Text folding for search: NFKC (full-width and half-width forms become
//! one) and lower case, so that "ＣＳ", "cs" and "Cs" match alike.

use unicode_normalization::UnicodeNormalization;

pub fn fold(s: &str) -> String {
    // Most stored text is already in NFKC: then only the case folds.
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.to_lowercase();
    }
    s.nfkc().flat_map(char::to_lowercase).collect()
}

/// Han characters (the ones pinyin applies to).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(fold("ＣＳ　长沙"), "cs 长沙");
        assert_eq!(fold("Score：８０"), "score:80");
        assert!(is_han('长') && !is_han('a') && !is_han(','));
    }
}
