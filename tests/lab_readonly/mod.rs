//! Read-only, measured: the lab tests run a full live audit between two readings of the DC's
//! `highestCommittedUSN` (RootDSE; every committed write to any naming context raises it) and,
//! with Kea, of the Kea memfile lease database (`leases4.csv`: kea-dhcp4 appends a line for
//! every lease write, `lfc-interval` is 0 so it is never rewritten behind our back), and
//! require both unchanged.
//!
//! Honesty about background writes: the lab has writers of its own. Its dhclient clients renew
//! (each renewal appends to leases4.csv, and kea-dhcp-ddns then updates DNS on the DC), so
//! they are paused (SIGSTOP, by their PID files, resumed on drop, even when the test fails)
//! for the measured window. Samba's own periodic tasks (e.g. samba_dnsupdate) cannot be
//! paused, so a window in which the USN moved is measured again, up to `ATTEMPTS` times: a
//! tool that writes does so on every run and can never produce a clean window, while a rare
//! background write cannot spoil all of them. A failure prints the objects whose `uSNChanged`
//! moved and the lease lines that changed, so a real write is named.

#![allow(dead_code)] // each lab test binary uses a part

use std::path::{Path, PathBuf};
use std::process::Command;

const ATTEMPTS: usize = 3;

use crate::util::lab;

/// `ldapsearch` over LDAPS as the lab's Administrator (OpenSSL's LDAP client, verifying with
/// the lab's CA file: independent of the tool under test); the LDIF output.
/// `anonymous` reads without a bind (the RootDSE), so the reading itself cannot log anyone on.
fn ldapsearch(anonymous: bool, base: &str, scope: &str, filter: &str, attrs: &[&str]) -> String {
    let mut cmd = Command::new("ldapsearch");
    cmd.env("LDAPTLS_CACERT", lab("LAB_CA_FILE")).args(["-LLL", "-o", "ldif-wrap=no", "-x", "-H", &lab("LAB_LDAPS_URL")]);
    if !anonymous {
        cmd.args(["-D", &lab("LAB_BIND_DN"), "-y", &lab("LAB_PASSWORD_FILE")]);
    }
    cmd.args(["-s", scope, "-b", base, filter])
        .args(attrs);
    let out = cmd.output().unwrap_or_else(|e| panic!("ldapsearch (ldap-utils) cannot run: {e}"));
    assert!(out.status.success(), "ldapsearch -b '{base}' {filter} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rootdse(attr: &str) -> Vec<String> {
    let prefix = format!("{attr}: ");
    ldapsearch(true, "", "base", "(objectClass=*)", &[attr]).lines().filter_map(|l| l.strip_prefix(&prefix)).map(String::from).collect()
}

/// The DC's highestCommittedUSN.
pub fn highest_committed_usn() -> u64 {
    let v = rootdse("highestCommittedUSN");
    v.first().and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| panic!("no highestCommittedUSN in the RootDSE: {v:?}"))
}

/// "dn (uSNChanged n)" of every object in every naming context changed after `usn`.
fn changed_since(usn: u64) -> Vec<String> {
    let filter = format!("(uSNChanged>={})", usn + 1);
    let mut changed = Vec::new();
    for nc in rootdse("namingContexts") {
        let ldif = ldapsearch(false, &nc, "sub", &filter, &["uSNChanged"]);
        for entry in ldif.split("\n\n").filter(|e| !e.trim().is_empty()) {
            changed.push(entry.trim().replace('\n', " "));
        }
    }
    changed
}

/// Pauses the lab's DHCP clients (SIGSTOP by their dhclient.pid files) until dropped.
pub struct PausedClients(Vec<String>);

impl PausedClients {
    pub fn pause(kea_dir: &Path) -> Self {
        let mut pids = Vec::new();
        let entries = std::fs::read_dir(kea_dir).unwrap_or_else(|e| panic!("{}: {e}", kea_dir.display()));
        for entry in entries.flatten() {
            let pidfile = entry.path().join("dhclient.pid");
            let Ok(text) = std::fs::read_to_string(&pidfile) else { continue };
            let pid = text.trim().to_string();
            // Only a live dhclient (not a recycled PID).
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && comm.trim() == "dhclient" {
                signal("-STOP", &pid);
                pids.push(pid);
            }
        }
        assert!(!pids.is_empty(), "no running dhclient under {}: is the Kea part of the lab up?", kea_dir.display());
        PausedClients(pids)
    }
}

impl Drop for PausedClients {
    fn drop(&mut self) {
        for pid in &self.0 {
            signal("-CONT", pid);
        }
    }
}

fn signal(sig: &str, pid: &str) {
    let ok = Command::new("kill").args([sig, pid]).status().is_ok_and(|s| s.success());
    assert!(ok || sig == "-CONT", "kill {sig} {pid} failed");
}

/// Runs `audit` (which checks its own result) between two readings of the DC's USN and, when
/// given, of the Kea lease file; passes on the first window in which neither changed.
pub fn assert_read_only<T>(what: &str, kea_leases: Option<&Path>, mut audit: impl FnMut() -> T) -> T {
    let read_leases = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut seen = Vec::new();
    for attempt in 1..=ATTEMPTS {
        let leases_before = kea_leases.map(read_leases);
        let usn_before = highest_committed_usn();
        let out = audit();
        let usn_after = highest_committed_usn();
        let leases_after = kea_leases.map(read_leases);
        if usn_before == usn_after && leases_before == leases_after {
            return out;
        }
        let mut note = format!("attempt {attempt}: highestCommittedUSN {usn_before} -> {usn_after}");
        if usn_after != usn_before {
            note.push_str(&format!("; changed objects: {:?}", changed_since(usn_before)));
        }
        if let (Some(b), Some(a)) = (&leases_before, &leases_after)
            && a != b
        {
            let added: Vec<&str> = a.lines().filter(|l| !b.lines().any(|x| x == *l)).collect();
            note.push_str(&format!("; lease lines added or changed: {added:?}"));
        }
        seen.push(note);
    }
    panic!("{what}: the directory or the lease database changed around every one of {ATTEMPTS} audits:\n{}", seen.join("\n"));
}

/// The Kea lab's lease file and state directory.
pub fn kea_paths() -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(lab("LAB_KEA_DIR"));
    (dir.join("leases4.csv"), dir)
}
