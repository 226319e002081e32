//! Runs the real `ddns-audit` binary in a scratch directory and reads back what it wrote.

#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A dnscmd zone export of corp.example.test holding pc1's aged A record (10.0.16.21), the
/// zone several CLI tests audit their leases against.
pub const ZONE: &str = "$ORIGIN corp.example.test.\r\n@ 3600 SOA dc1 hostmaster 1 900 600 86400 3600\r\npc1 [AGE:3733236] 1200 A 10.0.16.21\r\n";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The repository root (so tests can name `examples/` and `tests/fixtures/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn ddns_audit(args: &[&str], cwd: &Path) -> Run {
    ddns_audit_env(args, cwd, &[])
}

/// Like [`ddns_audit`], with these environment variables set (the password ones are cleared first).
pub fn ddns_audit_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_ddns-audit"))
        .args(args)
        .current_dir(cwd)
        .env_remove("DDNS_AUDIT_LDAP_PASSWORD")
        .env_remove("DDNS_AUDIT_KEA_PASSWORD")
        .envs(env.iter().copied())
        .output()
        .expect("run ddns-audit");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Parses a report into rows of cells (header included).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.expect("valid CSV").iter().map(str::to_string).collect()).collect()
}

pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `bytes` to `dir/name`; the path as an argument.
pub fn write<B: AsRef<[u8]> + ?Sized>(dir: &Path, name: &str, bytes: &B) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes.as_ref()).expect("write a test input");
    p.display().to_string()
}

/// A lab setting from the environment (`tests/lab/env.sh`); panics when the lab is not up.
pub fn lab(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: the lab is not up (run tests/run.sh, or tests/lab/up.sh and . tests/lab/env.sh)"))
}

/// A path as the tool prints it on this platform: on Windows every `/` is `\` (the tool prints
/// paths in the platform's separator); elsewhere as written.
pub fn native(path: &str) -> String {
    if cfg!(windows) { path.replace('/', "\\") } else { path.to_string() }
}
