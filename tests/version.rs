//! `ddns-audit --version`: the version and the commit it was built from (build.rs), and the
//! fallback when the source is not a git work tree (a release tarball).
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../build/commit.rs");

fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn version_names_the_commit_built_from() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddns-audit")).arg("--version").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let git_runs = std::process::Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !git_runs && cfg!(windows) {
        // Built on Linux, run under Wine (tests/windows.sh), where Linux's git cannot be started:
        // the commit is the build machine's, 10 hex digits.
        let rest = stdout.strip_prefix(&format!("ddns-audit {} (commit ", env!("CARGO_PKG_VERSION"))).unwrap_or_default();
        assert!(rest.len() == 12 && rest.ends_with(")\n") && rest[..10].bytes().all(|b| b.is_ascii_hexdigit()), "{stdout}");
        return;
    }
    let expected = match std::env::var("DDNS_AUDIT_COMMIT").ok().filter(|c| !c.is_empty()).or_else(|| git_commit(&repo())) {
        Some(c) => format!("ddns-audit {} (commit {c})\n", env!("CARGO_PKG_VERSION")),
        None => format!("ddns-audit {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(stdout, expected);
}

#[test]
fn outside_a_git_work_tree_the_version_stands_alone() {
    let tarball = tempfile::tempdir().unwrap();
    assert_eq!(git_commit(tarball.path()), None);
    assert_eq!(version_text("0.1.0", None), "0.1.0");
    assert_eq!(version_text("0.1.0", Some("1a2b3c4d5e")), "0.1.0 (commit 1a2b3c4d5e)");
}

#[test]
fn in_the_work_tree_the_commit_is_head() {
    // Where the tests run from a git checkout with git installed (CI), the hash is HEAD's.
    let Ok(out) = std::process::Command::new("git").args(["rev-parse", "--short=10", "HEAD"]).current_dir(repo()).output() else {
        return;
    };
    if out.status.success() {
        assert_eq!(git_commit(&repo()).as_deref(), Some(String::from_utf8(out.stdout).unwrap().trim()));
    }
}
