//! The documentation is tested like the code: every section a comment, a script or a page
//! points at names a heading of that file, every link into a page finds its anchor, and every
//! command shown in a `sh` block of README.md or docs/ runs (CONTRIBUTING.md "Commands in the
//! docs").
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use util::{ddns_audit, root, scratch};

/// Every file of the repository under `dirs` (recursively) with one of `exts`, skipping build
/// output and fuzzing work directories.
fn files(dirs: &[&str], exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !matches!(name.as_str(), "target" | ".git" | "corpus" | "out") {
                    walk(&p, exts, out);
                }
            } else if exts.iter().any(|x| name.ends_with(x)) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        let p = root().join(d);
        if p.is_file() {
            out.push(p);
        } else {
            walk(&p, exts, &mut out);
        }
    }
    out.sort();
    out
}

/// The markdown files a reference may point at: every `.md` of the repository.
fn markdown_files() -> Vec<PathBuf> {
    let mut v = files(&["docs", "examples", "queries", "tests", "reports"], &[".md"]);
    for top in ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "BENCHMARKS.md"] {
        v.push(root().join(top));
    }
    v
}

/// A markdown file's headings (outside fenced blocks), as written.
fn headings(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut fence = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        } else if !fence && line.starts_with('#') {
            let h = line.trim_start_matches('#');
            if let Some(h) = h.strip_prefix(' ') {
                out.push(h.trim().to_string());
            }
        }
    }
    out
}

/// What a quoted reference may name for a heading: its text without backticks, or that text
/// up to its parenthesis or colon (`"Live Active Directory"` for "Live Active Directory
/// (`--ldap-url`)").
fn names_of(heading: &str) -> Vec<String> {
    let h = heading.replace('`', "");
    let mut v = vec![h.clone()];
    for sep in [" (", ": "] {
        if let Some((head, _)) = h.split_once(sep) {
            v.push(head.to_string());
        }
    }
    v
}

/// GitHub's anchor for a heading.
fn slug(heading: &str) -> String {
    heading
        .replace('`', "")
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The file a reference names: `README` is the top-level one; a name is taken from the
/// referring file's folder, then the repository root, then as the one `.md` of that name.
fn resolve(name: &str, from: &Path, all: &[PathBuf]) -> Option<PathBuf> {
    // A bare capitalised name is its `.md` page (`README`, `CONTRIBUTING`).
    let page = format!("{name}.md");
    let name = if name.bytes().all(|b| b.is_ascii_uppercase()) { page.as_str() } else { name };
    if name == "README.md" && !from.starts_with(root().join("examples")) && !from.starts_with(root().join("tests")) && !from.starts_with(root().join("queries")) {
        return Some(root().join("README.md"));
    }
    let candidates = [from.parent().map(|d| d.join(name)), Some(root().join(name))];
    if let Some(p) = candidates.into_iter().flatten().find(|p| p.is_file()) {
        return Some(p);
    }
    let mut same: Vec<&PathBuf> = all.iter().filter(|p| p.ends_with(name)).collect();
    if same.len() == 1 { same.pop().cloned() } else { None }
}

/// Every `FILE "..."` (also `FILE, "..."` and `FILE ("..."`) in `text`, with the
/// line it starts on. A heading quoted across a comment's line break is joined.
fn quoted_references(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (q, _) in text.match_indices('"') {
        let before = &text[..q];
        let before = before.strip_suffix('(').unwrap_or(before);
        let Some(before) = before.strip_suffix(' ') else { continue };
        let before = before.strip_suffix(',').unwrap_or(before);
        let start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-'))).map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
        let file = &before[start..];
        // A page (`README`, `docs/x.md`), or a bare capitalised name written as one
        // (`NAME "..."`), which must then be a page of this repository too; a bare name
        // before other quoted text (`FQDN "10.0.16.99"`, `CSV "csv"`) is no reference.
        let bare_name = file.len() > 2 && file.bytes().all(|b| b.is_ascii_uppercase()) && file != "README";
        if bare_name && !bytes.get(q + 1).is_some_and(u8::is_ascii_uppercase) {
            continue;
        }
        if !(bare_name || file == "README" || (file.ends_with(".md") && file.len() > 3)) {
            continue;
        }
        let Some(end) = text[q + 1..].find('"').map(|e| q + 1 + e) else { continue };
        if end - q > 160 || bytes.get(q + 1) == Some(&b' ') {
            continue;
        }
        // A comment's continuation (`//! `, `/// `, `// `, `# `) is not part of the heading.
        let heading = text[q + 1..end]
            .split('\n')
            .map(|l| l.trim().trim_start_matches("//!").trim_start_matches("///").trim_start_matches("//").trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ");
        let line = text[..q].matches('\n').count() + 1;
        out.push((line, file.to_string(), heading));
    }
    out
}

#[test]
fn every_section_reference_names_a_heading_of_its_file() {
    let all = markdown_files();
    let mut heads: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    let sources = files(&["src", "examples", "queries", "tests", "benches", "docs", "README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "BENCHMARKS.md", "Cargo.toml"], &[".md", ".rs", ".toml", ".sh", ".ps1", ".py", ".xml", ".service", ".timer"]);
    for src in &sources {
        let Ok(text) = std::fs::read_to_string(src) else { continue };
        let rel = src.strip_prefix(root()).unwrap().display().to_string();
        for (line, file, heading) in quoted_references(&text) {
            if heading == "..." {
                continue; // a placeholder in the prose that describes the convention
            }
            let Some(target) = resolve(&file, src, &all) else {
                // CONTRIBUTING.md "Tests": a reference names a page of this repository, the
                // one a reader of the code or the docs can open.
                broken.push(format!("{rel}:{line}: {file} \"{heading}\": no such file in the repository; point at the docs page that holds the rule"));
                continue;
            };
            let hs = heads.entry(target.clone()).or_insert_with(|| headings(&target));
            checked += 1;
            if !hs.iter().any(|h| names_of(h).contains(&heading)) {
                broken.push(format!("{rel}:{line}: {file} \"{heading}\": no such heading in {}", target.strip_prefix(root()).unwrap_or(&target).display()));
            }
        }
    }
    assert!(broken.is_empty(), "section references that point nowhere:\n{}", broken.join("\n"));
    // The references this repository holds (dozens): a scanner that finds none is broken.
    assert!(checked > 40, "only {checked} references found");
}

#[test]
fn every_link_between_pages_finds_its_file_and_anchor() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in markdown_files() {
        let text = std::fs::read_to_string(&page).unwrap();
        let rel = page.strip_prefix(root()).unwrap().display().to_string();
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            let (file, anchor) = target.split_once('#').map_or((target, None), |(f, a)| (f, Some(a)));
            let path = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            let line = text[..i].matches('\n').count() + 1;
            checked += 1;
            if !path.exists() {
                broken.push(format!("{rel}:{line}: ({target}): no such file"));
                continue;
            }
            if let Some(anchor) = anchor
                && !headings(&path).iter().any(|h| slug(h) == anchor)
            {
                broken.push(format!("{rel}:{line}: ({target}): no heading with that anchor"));
            }
        }
    }
    assert!(broken.is_empty(), "links that point nowhere:\n{}", broken.join("\n"));
    assert!(checked > 30, "only {checked} links found");
}

/// One command of a `sh` block: where it is, its arguments after `ddns-audit`, the exit code
/// expected.
#[derive(Debug)]
struct Shown {
    at: String,
    args: Vec<String>,
    exit: i32,
}

/// Splits a command line as a POSIX shell would for the forms the docs use: words, single
/// quotes (literal), double quotes (`\` escapes `"` and `\`).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => cur.extend(chars.next()),
                        c => cur.push(c),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// The commands of every fenced `sh` block in README.md and docs/, and the blocks skipped with
/// their reasons. A block's info string is `sh`, `sh exit=N` or `sh no-run: REASON`.
fn shown_commands() -> (Vec<Shown>, Vec<String>) {
    let mut pages = files(&["docs"], &[".md"]);
    pages.push(root().join("README.md"));
    let (mut run, mut skipped) = (Vec::new(), Vec::new());
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let rel = page.strip_prefix(root()).unwrap().display().to_string();
        let mut lines = text.lines().enumerate();
        while let Some((n, line)) = lines.next() {
            let Some(info) = line.trim_start().strip_prefix("```") else { continue };
            let block: Vec<(usize, &str)> = lines.by_ref().take_while(|(_, l)| !l.trim_start().starts_with("```")).map(|(i, l)| (i, l.trim())).collect();
            let at = format!("{rel}:{}", n + 1);
            let info = info.trim();
            let mentions_tool = block.iter().any(|(_, l)| l.starts_with("ddns-audit "));
            if !(info == "sh" || info.starts_with("sh ")) {
                // A command of the tool is shown in a `sh` block, run or skipped with a reason
                // (PowerShell's are Windows's, and skipped as such).
                assert!(!mentions_tool || info == "powershell", "{at}: a ddns-audit command in a block tagged '{info}': tag it sh (see CONTRIBUTING.md)");
                continue;
            }
            if let Some(reason) = info.strip_prefix("sh no-run:") {
                assert!(!reason.trim().is_empty(), "{at}: no-run needs a reason");
                skipped.push(format!("{at}: {}", reason.trim()));
                continue;
            }
            let exit = match info.strip_prefix("sh exit=") {
                Some(n) => n.trim().parse().unwrap_or_else(|_| panic!("{at}: exit= needs a number")),
                None => {
                    assert_eq!(info, "sh", "{at}: the tag is sh, sh exit=N or sh no-run: REASON");
                    0
                }
            };
            // Lines joined at a trailing `\`; comments and blank lines dropped.
            let mut joined: Vec<(usize, String)> = Vec::new();
            let mut continues = false;
            for (i, l) in block {
                if l.is_empty() || l.starts_with('#') {
                    continue;
                }
                let (body, more) = l.strip_suffix('\\').map_or((l, false), |b| (b, true));
                match joined.last_mut() {
                    Some((_, last)) if continues => {
                        last.push(' ');
                        last.push_str(body);
                    }
                    _ => joined.push((i, body.to_string())),
                }
                continues = more;
            }
            for (i, cmd) in joined {
                let words = shell_words(&cmd);
                assert_eq!(words.first().map(String::as_str), Some("ddns-audit"), "{rel}:{}: a sh block runs only ddns-audit commands (tag others no-run: REASON)", i + 1);
                run.push(Shown { at: format!("{rel}:{}", i + 1), args: words[1..].to_vec(), exit });
            }
        }
    }
    (run, skipped)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn every_command_shown_in_the_docs_runs_on_the_example_site() {
    let (commands, skipped) = shown_commands();
    // The README's first audit and forecast, the forecast page's example: at least these.
    assert!(commands.len() >= 3, "{commands:?}");
    // Each skipped block says why; the list is printed with --nocapture.
    for s in &skipped {
        println!("not run: {s}");
    }
    let mut failed = Vec::new();
    for c in &commands {
        // A fresh copy of the example site for each command: one's report is not another's
        // previous report, and a command that writes cannot spoil the next.
        let dir = scratch();
        copy_dir(&root().join("examples"), &dir.path().join("examples"));
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let r = ddns_audit(&args, dir.path());
        if r.code != c.exit {
            failed.push(format!("{}: ddns-audit {}: exit {} (expected {}):\n{}", c.at, c.args.join(" "), r.code, c.exit, r.stderr));
        }
    }
    assert!(failed.is_empty(), "commands shown in the docs that do not work:\n{}", failed.join("\n"));
}

#[test]
fn shell_words_reads_the_quoting_the_docs_use() {
    assert_eq!(shell_words(r#"ddns-audit audit --password-file 'C:\a b\p' --x "q\"r" y"#), ["ddns-audit", "audit", "--password-file", r"C:\a b\p", "--x", "q\"r", "y"]);
}
