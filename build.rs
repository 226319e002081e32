//! Records the commit the binary is built from, for `ddns-audit --version` (build/commit.rs).
//! `DDNS_AUDIT_COMMIT` in the build's environment overrides it (a packager building from a
//! tarball); outside a git work tree, and without git, the version stands alone.

include!("build/commit.rs");

fn main() {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo::rerun-if-env-changed=DDNS_AUDIT_COMMIT");
    // Rebuilt when HEAD moves: HEAD itself (a checkout), the branch it names (a commit), and
    // packed-refs (a gc). Paths from git, so that linked worktrees work too.
    for p in ["HEAD", "packed-refs"] {
        if let Some(path) = git_path(&dir, p) {
            println!("cargo::rerun-if-changed={path}");
        }
    }
    if let Some(path) = git_head_ref(&dir).and_then(|r| git_path(&dir, &r)) {
        println!("cargo::rerun-if-changed={path}");
    }
    let commit = std::env::var("DDNS_AUDIT_COMMIT").ok().filter(|c| !c.is_empty()).or_else(|| git_commit(&dir));
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo::rustc-env=DDNS_AUDIT_VERSION={}", version_text(&version, commit.as_deref()));
}

fn git(dir: &std::path::Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").args(args).current_dir(dir).stderr(std::process::Stdio::null()).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

fn git_path(dir: &std::path::Path, name: &str) -> Option<String> {
    let p = git(dir, &["rev-parse", "--path-format=absolute", "--git-path", name])?;
    std::path::Path::new(&p).exists().then_some(p)
}

fn git_head_ref(dir: &std::path::Path) -> Option<String> {
    git(dir, &["symbolic-ref", "-q", "HEAD"])
}
