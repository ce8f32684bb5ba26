//! The house's rules, read from the source (lib.rs tells them): the layers
//! base < domain < store < panel < tui < cli, each importing only those
//! below it (a service of `panel` may use another service), and no circle
//! of imports, neither between the top-level modules (each folder or file
//! of `panel` counted on its own) nor between the files of `tui`.
//!
//! Every `.rs` file under `src/` is read as tokens (comments, strings and
//! characters skipped); every path that names a module of jury, through
//! `crate::`, `super::`, `self::`, a child module or a name a `use` brought
//! in, is an import of the file that module lives in. Paths in macros count
//! too; paths in comments (doc links) do not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root: `["tui", "view", "matrix"]`.
type Module = Vec<String>;

/// One import: the file and line it is written on, the file's module and
/// the module of the file it names.
#[derive(Debug, Clone)]
struct Import {
    file: String,
    line: usize,
    text: String,
    from: Module,
    to: Module,
}

/// The layers, bottom first; a top-level module not named here fails.
const LAYERS: [&str; 6] = ["base", "domain", "store", "panel", "tui", "cli"];

#[test]
fn layers_go_downwards_only() {
    let files = sources();
    let mut broken: Vec<String> = files
        .iter()
        .filter(|(path, _)| unit(&module_of(path)).is_some_and(|u| layer(&u).is_none()))
        .map(|(path, _)| format!("{path}: in no layer: move it into a layer's folder"))
        .collect();
    broken.extend(against_layers(&imports_of(&files)));
    assert!(
        broken.is_empty(),
        "imports against the layer order {} (tui must not import cli):\n{}",
        LAYERS.join(" < "),
        broken.join("\n")
    );
}

#[test]
fn no_circles_between_top_level_modules() {
    let imports = imports_of(&sources());
    let circles = circles(&imports, unit);
    assert!(
        circles.is_empty(),
        "import circles between top-level modules:\n{}",
        circles.join("\n\n")
    );
}

#[test]
fn no_circles_between_the_files_of_tui() {
    let imports = imports_of(&sources());
    let circles = circles(&imports, |m| {
        (m.first().map(String::as_str) == Some("tui")).then(|| m.join("::"))
    });
    assert!(
        circles.is_empty(),
        "import circles between files of tui:\n{}",
        circles.join("\n\n")
    );
}

/// Within every folder too: files import each other, and folders each
/// other, never round in a circle. A folder's `mod.rs` is the folder's own
/// face: it names its files and they use what it declares for them all
/// (`store::Result`), which is not counted as a circle (in `tui` it is,
/// above).
#[test]
fn no_circles_between_any_files() {
    let imports = past_the_faces(imports_of(&sources()));
    let circles = circles(&imports, |m| Some(m.join("::")));
    assert!(
        circles.is_empty(),
        "import circles between files:\n{}",
        circles.join("\n\n")
    );
}

/// The imports but those between a folder's `mod.rs` and its own files.
fn past_the_faces(imports: Vec<Import>) -> Vec<Import> {
    imports
        .into_iter()
        .filter(|i| !(i.from.starts_with(&i.to) || i.to.starts_with(&i.from)))
        .collect()
}

/// The checks see what they should: a real tree has imports of every kind.
#[test]
fn the_reader_finds_the_imports_it_should() {
    let imports = imports_of(&sources());
    let has = |from: &str, to: &str| {
        imports
            .iter()
            .any(|i| i.from.join("::") == from && i.to.join("::") == to)
    };
    // `use crate::…`
    assert!(has("panel::tally::list", "domain::selection"));
    // `crate::…` in an expression
    assert!(has("cli::setup", "panel::sample"));
    // `use super::{…}` and a name brought in by it
    assert!(has("tui::mouse", "tui::keymap"));
    // `super::super::…`
    assert!(has("tui::view::matrix", "tui::app"));
    // a child module named from its parent
    assert!(has("tui", "tui::app"));
    assert!(imports.len() > 300, "only {} imports read", imports.len());
}

// ---- the checks, over any set of files (tested below on made-up ones) ----

/// The unit a module counts as for the top-level rules: a top-level module,
/// or a service of `panel` (a file or folder of it).
fn unit(m: &Module) -> Option<String> {
    let top = m.first()?;
    if top == "panel"
        && let Some(service) = m.get(1)
    {
        return Some(format!("panel::{service}"));
    }
    Some(top.clone())
}

fn layer(unit: &str) -> Option<usize> {
    let top = unit.split("::").next()?;
    LAYERS.iter().position(|l| *l == top)
}

/// Every import against the layer order, and every top-level module with
/// no layer, as one line each.
fn against_layers(imports: &[Import]) -> Vec<String> {
    let mut out = Vec::new();
    let mut unknown = BTreeSet::new();
    for i in imports {
        let (Some(from), Some(to)) = (unit(&i.from), unit(&i.to)) else {
            continue;
        };
        match (layer(&from), layer(&to)) {
            (Some(a), Some(b)) if b > a => out.push(format!(
                "{}:{}: {from} ({}) imports {to} ({}): {}",
                i.file, i.line, LAYERS[a], LAYERS[b], i.text
            )),
            (Some(_), Some(_)) => {}
            (a, b) => {
                for (layer, unit, file) in [(a, &from, &i.file), (b, &to, &i.file)] {
                    if layer.is_none() && unknown.insert(unit.clone()) {
                        out.push(format!(
                            "{file}: `{unit}` has no layer: put it in a layer's folder (or add it to LAYERS in tests/layers.rs)"
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The circles among the units `group` maps modules to (None: not looked
/// at): each strongly connected set of more than one unit, with the imports
/// that tie it, file and line.
fn circles(imports: &[Import], group: impl Fn(&Module) -> Option<String>) -> Vec<String> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lines: Vec<(String, String, &Import)> = Vec::new();
    for i in imports {
        let (Some(a), Some(b)) = (group(&i.from), group(&i.to)) else {
            continue;
        };
        if a == b {
            continue;
        }
        edges.entry(b.clone()).or_default();
        edges.entry(a.clone()).or_default().insert(b.clone());
        lines.push((a, b, i));
    }
    strongly_connected(&edges)
        .into_iter()
        .filter(|set| set.len() > 1)
        .map(|set| {
            let mut text = format!(
                "circle: {}",
                set.iter().cloned().collect::<Vec<_>>().join(" <-> ")
            );
            // Each import line once; at most three lines per pair of units.
            let mut seen = BTreeSet::new();
            let mut per_pair: BTreeMap<(&String, &String), usize> = BTreeMap::new();
            for (a, b, i) in &lines {
                if set.contains(a) && set.contains(b) && seen.insert((&i.file, i.line, a, b)) {
                    let n = per_pair.entry((a, b)).or_default();
                    *n += 1;
                    if *n <= 3 {
                        text.push_str(&format!(
                            "\n  {}:{}: {a} -> {b}: {}",
                            i.file, i.line, i.text
                        ));
                    }
                }
            }
            for ((a, b), n) in per_pair {
                if n > 3 {
                    text.push_str(&format!("\n  ({} more lines {a} -> {b})", n - 3));
                }
            }
            text
        })
        .collect()
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.edges[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut set = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                set.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            s.out.push(set);
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

// ---- reading the source ----

/// Every .rs file under src/ but main.rs (the binary, outside the library),
/// as (path relative to the crate, text).
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            (rel, text)
        })
        .filter(|(rel, _)| rel != "src/main.rs")
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file under src/ holds: src/lib.rs the root, src/a/mod.rs
/// and src/a.rs `a`, src/a/b.rs `a::b`.
fn module_of(path: &str) -> Module {
    let rel = path.strip_prefix("src/").unwrap_or(path);
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut m: Module = rel.split('/').map(str::to_string).collect();
    if matches!(m.last().map(String::as_str), Some("mod" | "lib")) {
        m.pop();
    }
    m
}

/// Every import in the files, self-references left out. A name a module
/// re-exports (`pub use outcome::Outcome;` in `domain`) counts as an
/// import of the file that defines it.
fn imports_of(files: &[(String, String)]) -> Vec<Import> {
    let modules: BTreeSet<Module> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut reexports = BTreeMap::new();
    for (path, text) in files {
        reexports_of(path, text, &modules, &mut reexports);
    }
    let mut out = Vec::new();
    for (path, text) in files {
        read_file(path, text, &modules, &reexports, &mut out);
    }
    out
}

/// (module, name) → the full path of what `pub use` in that module names.
type Reexports = BTreeMap<(Module, String), Module>;

/// The names a file's top-level `pub use` (or `pub(crate) use`) binds.
fn reexports_of(path: &str, text: &str, modules: &BTreeSet<Module>, out: &mut Reexports) {
    let toks = tokens(text);
    let empty = Reexports::new();
    let r = Reader {
        path,
        lines: Vec::new(),
        modules,
        reexports: &empty,
        file: module_of(path),
        aliases: BTreeMap::new(),
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = depth.saturating_sub(1),
            Tok::Ident(k) if k == "pub" && depth == 0 => {
                // `pub use` or `pub(crate) use`.
                let mut j = i + 1;
                if toks.get(j).map(|t| &t.0) == Some(&Tok::Punct('(')) {
                    while toks.get(j).is_some_and(|t| t.0 != Tok::Punct(')')) {
                        j += 1;
                    }
                    j += 1;
                }
                if matches!(toks.get(j), Some((Tok::Ident(u), _)) if u == "use") {
                    let mut leaves = Vec::new();
                    let end = use_tree(&toks, j + 1, &mut Vec::new(), &mut leaves);
                    for (segments, bound, _) in leaves {
                        if let (Some(name), Some(to)) = (bound, r.resolve(&r.file, &segments)) {
                            out.insert((r.file.clone(), name), to);
                        }
                    }
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

/// Tokens with their line, comments, strings and characters left out.
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' || ((ch == 'b' || ch == 'c') && at(i + 1) == '"') {
            // A string: up to the next unescaped quote.
            i += if ch == '"' { 1 } else { 2 };
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if (ch == 'r' && matches!(at(i + 1), '"' | '#'))
            || (matches!(ch, 'b' | 'c') && at(i + 1) == 'r' && matches!(at(i + 2), '"' | '#'))
        {
            // A raw string r#"…"#, or a raw identifier r#name.
            let mut j = i + if ch == 'r' { 1 } else { 2 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) != '"' {
                // r#ident
                i = j;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                if c[j] == '\n' {
                    line += 1;
                }
                j += 1;
            }
            i = j;
        } else if ch == '\'' {
            // A character ('x', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                // Past the quote, the backslash and the escaped character.
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '.') {
                // 1.0, 0x1f, 1_000u32; `1..2` stops at the second dot.
                if c[i] == '.' && !at(i + 1).is_ascii_digit() {
                    break;
                }
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::Sep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// What one file's paths resolve against.
struct Reader<'a> {
    path: &'a str,
    lines: Vec<&'a str>,
    modules: &'a BTreeSet<Module>,
    reexports: &'a Reexports,
    file: Module,
    /// Names a `use` bound to a module of jury.
    aliases: BTreeMap<String, Module>,
}

impl Reader<'_> {
    /// The absolute path of `segments` written in module `here`, if it
    /// names something of jury.
    fn resolve(&self, here: &Module, segments: &[String]) -> Option<Module> {
        let (first, rest) = segments.split_first()?;
        let mut base: Module = match first.as_str() {
            "crate" => Vec::new(),
            "self" => here.clone(),
            "super" => {
                let mut m = here.clone();
                m.pop()?;
                let mut rest = rest;
                while let Some((s, more)) = rest.split_first()
                    && s == "super"
                {
                    m.pop()?;
                    rest = more;
                }
                m.extend(rest.iter().cloned());
                return Some(m);
            }
            name => {
                let mut child = here.clone();
                child.push(name.to_string());
                if self.modules.contains(&child) {
                    child
                } else {
                    self.aliases.get(name)?.clone()
                }
            }
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The file module a resolved path lands in: its longest prefix that
    /// is a file.
    fn file_of(&self, path: &Module) -> Option<Module> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| self.modules.contains(m))
    }

    /// The path a re-exported name stands for (followed a few times).
    fn through_reexports(&self, path: &Module) -> Module {
        let mut path = path.clone();
        for _ in 0..8 {
            let Some(file) = self.file_of(&path) else {
                break;
            };
            let Some(target) = path
                .get(file.len())
                .and_then(|name| self.reexports.get(&(file.clone(), name.clone())))
            else {
                break;
            };
            let mut next = target.clone();
            next.extend(path[file.len() + 1..].iter().cloned());
            path = next;
        }
        path
    }

    fn record(&self, line: usize, to: &Module, out: &mut Vec<Import>) {
        if let Some(to) = self.file_of(&self.through_reexports(to))
            && to != self.file
        {
            out.push(Import {
                file: self.path.to_string(),
                line,
                text: self
                    .lines
                    .get(line - 1)
                    .map_or("", |l| l.trim())
                    .to_string(),
                from: self.file.clone(),
                to,
            });
        }
    }
}

fn read_file(
    path: &str,
    text: &str,
    modules: &BTreeSet<Module>,
    reexports: &Reexports,
    out: &mut Vec<Import>,
) {
    let toks = tokens(text);
    let mut r = Reader {
        path,
        lines: text.lines().collect(),
        modules,
        reexports,
        file: module_of(path),
        aliases: BTreeMap::new(),
    };
    // Inline modules (`mod tests { … }`) open at a brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let mut i = 0;
    while i < toks.len() {
        let here: Module = r
            .file
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        match &toks[i].0 {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                i += 1;
            }
            Tok::Ident(k) if k == "mod" => {
                if let Some(name) = ident(i + 1)
                    && toks.get(i + 2).map(|t| &t.0) == Some(&Tok::Punct('{'))
                {
                    inline.push((name.to_string(), depth));
                    depth += 1;
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Tok::Ident(k) if k == "use" => {
                let line = toks[i].1;
                let mut leaves = Vec::new();
                i = use_tree(&toks, i + 1, &mut Vec::new(), &mut leaves);
                for (segments, bound, leaf_line) in leaves {
                    let Some(to) = r.resolve(&here, &segments) else {
                        continue;
                    };
                    r.record(leaf_line.max(line), &to, out);
                    if let Some(name) = bound
                        && r.modules.contains(&to)
                    {
                        r.aliases.insert(name, to);
                    }
                }
            }
            Tok::Ident(first) => {
                // A path `a::b::c` starting here (not in the middle of one).
                let after_sep = i > 0 && toks[i - 1].0 == Tok::Sep;
                let mut segments = vec![first.clone()];
                let mut j = i + 1;
                while toks.get(j).map(|t| &t.0) == Some(&Tok::Sep)
                    && let Some(s) = ident(j + 1)
                {
                    segments.push(s.to_string());
                    j += 2;
                }
                if !after_sep
                    && segments.len() > 1
                    && let Some(to) = r.resolve(&here, &segments)
                {
                    r.record(toks[i].1, &to, out);
                }
                i = j;
            }
            _ => i += 1,
        }
    }
}

/// Reads a `use` tree from token `i` (after `use`, or after `{` / `,` in a
/// group) into leaves (path, the name it binds, line); returns the index
/// after the tree (past its `;` at the top).
fn use_tree(
    toks: &[(Tok, usize)],
    mut i: usize,
    prefix: &mut Vec<String>,
    leaves: &mut Vec<(Vec<String>, Option<String>, usize)>,
) -> usize {
    let depth_at_start = prefix.len();
    let mut line = toks.get(i).map_or(0, |t| t.1);
    while let Some((t, l)) = toks.get(i) {
        line = *l;
        match t {
            Tok::Ident(s) if s == "as" => {
                let alias = match toks.get(i + 1) {
                    Some((Tok::Ident(a), _)) => Some(a.clone()),
                    _ => None,
                };
                let mut path = prefix.clone();
                if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
                    path.pop();
                }
                leaves.push((path, alias.filter(|a| a != "_"), line));
                i += 2;
                prefix.truncate(depth_at_start);
                return skip_to_end(toks, i);
            }
            Tok::Ident(s) => {
                prefix.push(s.clone());
                i += 1;
            }
            Tok::Sep => i += 1,
            Tok::Punct('*') => {
                leaves.push((prefix.clone(), None, line));
                prefix.truncate(depth_at_start);
                return skip_to_end(toks, i + 1);
            }
            Tok::Punct('{') => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.0) {
                        None => break,
                        Some(Tok::Punct('}')) => {
                            i += 1;
                            break;
                        }
                        Some(Tok::Punct(',')) => i += 1,
                        _ => {
                            // Always forward, whatever the group holds.
                            let next = use_tree(toks, i, prefix, leaves);
                            i = next.max(i + 1);
                        }
                    }
                }
                prefix.truncate(depth_at_start);
                return skip_to_end(toks, i);
            }
            _ => break,
        }
    }
    // A plain leaf: `a::b` (or `a::self`, binding `a`).
    let mut path = prefix.clone();
    if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
        path.pop();
    }
    let bound = path.last().cloned();
    if !path.is_empty() {
        leaves.push((path, bound, line));
    }
    prefix.truncate(depth_at_start);
    skip_to_end(toks, i)
}

/// Past the `;` that ends a top-level use tree; inside a group, stays at
/// the `,` or `}` that ends an item.
fn skip_to_end(toks: &[(Tok, usize)], i: usize) -> usize {
    match toks.get(i).map(|t| &t.0) {
        Some(Tok::Punct(';')) => i + 1,
        _ => i,
    }
}

// ---- the checks fail when they should ----

fn made_up(files: &[(&str, &str)]) -> Vec<Import> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    imports_of(&files)
}

#[test]
fn an_import_upwards_is_named() {
    let imports = made_up(&[
        ("src/lib.rs", "pub mod base; pub mod tui; pub mod cli;"),
        ("src/base/mod.rs", "pub mod text;"),
        ("src/base/text.rs", "pub fn width() {}"),
        ("src/tui/mod.rs", "pub mod app;"),
        (
            "src/tui/app.rs",
            "use crate::base::text;\nfn f() {\n    crate::cli::write(); // crate::cli::in_a_comment\n}",
        ),
        (
            "src/cli/mod.rs",
            "pub fn write() { let s = \"crate::tui::x\"; let c = '\\''; }\nmacro_rules! m { () => { $crate::base::text::width() } }",
        ),
    ]);
    let broken = against_layers(&imports);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(
        broken[0].starts_with("src/tui/app.rs:3: tui (tui) imports cli (cli)"),
        "{}",
        broken[0]
    );
    assert!(circles(&imports, unit).is_empty());
}

#[test]
fn a_circle_between_services_is_named() {
    let imports = made_up(&[
        ("src/lib.rs", "pub mod panel;"),
        ("src/panel/mod.rs", "pub mod tally; pub mod pilots;"),
        (
            "src/panel/tally.rs",
            "pub fn settle() { crate::panel::pilots::assess() }",
        ),
        (
            "src/panel/pilots.rs",
            "use crate::panel::tally::{self as t, settle};\npub fn assess() {}",
        ),
    ]);
    assert!(against_layers(&imports).is_empty());
    let found = circles(&imports, unit);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("panel::pilots <-> panel::tally"),
        "{}",
        found[0]
    );
    assert!(found[0].contains("src/panel/pilots.rs:1:"), "{}", found[0]);
    assert!(found[0].contains("src/panel/tally.rs:1:"), "{}", found[0]);
}

#[test]
fn a_circle_between_files_of_tui_is_named() {
    let imports = made_up(&[
        ("src/lib.rs", "pub mod tui;"),
        ("src/tui/mod.rs", "pub mod app; mod view; mod search;"),
        (
            "src/tui/app.rs",
            "pub enum Screen { Search(super::search::State) }",
        ),
        (
            "src/tui/search.rs",
            "use super::app;\npub struct State { back: app::Screen }",
        ),
        (
            "src/tui/view/mod.rs",
            "mod list;\npub fn style() {}\nfn draw() { list::draw() }",
        ),
        (
            "src/tui/view/list.rs",
            "pub fn draw() { super::style() }\n#[cfg(test)]\nmod tests { use super::*; }",
        ),
    ]);
    let found = circles(&imports, |m| {
        (m.first().map(String::as_str) == Some("tui")).then(|| m.join("::"))
    });
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|c| c.contains("tui::app <-> tui::search")));
    assert!(
        found
            .iter()
            .any(|c| c.contains("tui::view <-> tui::view::list"))
    );
    assert!(
        found
            .iter()
            .any(|c| c.contains("src/tui/search.rs:2: tui::search -> tui::app"))
    );
}

#[test]
fn a_circle_through_a_reexport_is_named() {
    let imports = made_up(&[
        ("src/lib.rs", "pub mod domain;"),
        (
            "src/domain/mod.rs",
            "mod decision;\nmod selection;\npub use decision::Outcome;\npub struct Shared;",
        ),
        (
            "src/domain/decision.rs",
            "pub enum Outcome {}\npub struct Facts { basis: super::selection::Basis }",
        ),
        (
            "src/domain/selection.rs",
            "use super::{Outcome, Shared};\npub struct Basis;",
        ),
    ]);
    let found = circles(&past_the_faces(imports), |m| Some(m.join("::")));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("circle: domain::decision <-> domain::selection"),
        "{found:?}"
    );
    // What the folder's face declares for its files is no circle.
    assert!(!found[0].contains("domain <->"), "{found:?}");
}
