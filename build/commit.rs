// The commit `ddns-audit --version` names. Shared by build.rs (`include!`) and its test
// (tests/version.rs), so the fallback is tested without building from a tarball.

/// The short hash of the commit checked out at `dir`, or None outside a git work tree (a
/// release tarball, `cargo install` from crates.io) or without git.
#[allow(dead_code)]
fn git_commit(dir: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let hash = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

/// The `--version` text after the program's name: `0.1.0 (commit 1a2b3c4d5e)`, or `0.1.0`
/// alone when the commit is unknown.
#[allow(dead_code)]
fn version_text(version: &str, commit: Option<&str>) -> String {
    match commit {
        Some(c) => format!("{version} (commit {c})"),
        None => version.to_string(),
    }
}
