//! The scheduled-task kits in `examples/scheduled/` (docs/scheduled.md "Running it on a schedule"): the
//! Task Scheduler XML is well-formed (xmllint) and says what the README says; the systemd
//! units pass `systemd-analyze verify` without a warning and its offline security check; the
//! Linux TOML is read by the tool; every option the kits pass is one the tool has.
//! Needs `xmllint` (Debian libxml2-utils) and `systemd-analyze` (systemd); tests/run.sh
//! installs them.
#![cfg(target_os = "linux")] // systemd-analyze, xmllint
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use util::{ddns_audit, root, scratch};

fn kit(path: &str) -> PathBuf {
    root().join("examples/scheduled").join(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs a tool the test needs; a missing tool fails the test (it never skips) with what to install.
fn tool(program: &str, args: &[&str], package: &str) -> std::process::Output {
    Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program} ({package}) could not be run: {e}; install {package} (tests/run.sh does)"))
}

/// The text of every element of the XML, by its path (`Task/Principals/Principal/UserId`).
fn elements(xml: &str) -> BTreeMap<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out = BTreeMap::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => path.push(e.local_name().as_ref().to_string()),
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content().trim().to_string();
                if !text.is_empty() {
                    out.insert(path.join("/"), text);
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

#[test]
fn the_task_xml_is_well_formed_and_runs_daily_as_the_service_account_without_logon() {
    let file = kit("windows/ddns-audit-task.xml");
    let lint = tool("xmllint", &["--noout", file.to_str().unwrap()], "libxml2-utils");
    assert!(lint.status.success() && lint.stderr.is_empty(), "{}", String::from_utf8_lossy(&lint.stderr));

    let xml = read(&file);
    assert!(xml.contains(r#"<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">"#));
    let e = elements(&xml);
    let get = |p: &str| e.get(p).map(String::as_str);
    // A gMSA (name ending in $) with the logon type gMSAs need: runs whether anyone is logged
    // on or not, no interactive logon, not elevated.
    assert_eq!(get("Task/Principals/Principal/UserId"), Some(r"CORP\svc-ddnsaudit$"));
    assert_eq!(get("Task/Principals/Principal/LogonType"), Some("Password"));
    assert_eq!(get("Task/Principals/Principal/RunLevel"), Some("LeastPrivilege"));
    // Daily, with a time limit, no battery restrictions, one run at a time.
    assert_eq!(get("Task/Triggers/CalendarTrigger/ScheduleByDay/DaysInterval"), Some("1"));
    assert_eq!(get("Task/Settings/ExecutionTimeLimit"), Some("PT2H"));
    assert_eq!(get("Task/Settings/DisallowStartIfOnBatteries"), Some("false"));
    assert_eq!(get("Task/Settings/StopIfGoingOnBatteries"), Some("false"));
    assert_eq!(get("Task/Settings/MultipleInstancesPolicy"), Some("IgnoreNew"));
    assert_eq!(get("Task/Actions/Exec/Command"), Some(r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"));
    let args = get("Task/Actions/Exec/Arguments").unwrap();
    assert!(args.starts_with(r#"-NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -File "C:\ddns-audit\run-audit.ps1" "#), "{args}");
    // The recommended bind: the gMSA itself with Kerberos, so no password file exists.
    assert!(args.contains(" -Kerberos ") && !args.contains("-PasswordFile"), "{args}");
    // The parameters it passes are the script's.
    let script = read(&kit("windows/run-audit.ps1"));
    for param in args.split_whitespace().filter(|a| a.starts_with('-') && a.len() > 1 && a.chars().nth(1).is_some_and(|c| c.is_ascii_uppercase())) {
        if ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "-File"].contains(&param) {
            continue;
        }
        assert!(script.contains(&format!("${}", &param[1..])), "run-audit.ps1 has no parameter {param}");
    }
}

/// The `--options` a kit file passes to ddns-audit.
fn options_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("--") {
        let name: String = text[i + 2..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
        // `--` of a comment rule or a shell, not an option.
        if name.len() > 1 && name.starts_with(|c: char| c.is_ascii_lowercase()) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[test]
fn the_kits_pass_only_options_the_tool_has() {
    let d = scratch();
    let help = ddns_audit(&["audit", "--help"], d.path());
    assert_eq!(help.code, 0, "{}", help.stderr);
    let script = read(&kit("windows/run-audit.ps1"));
    let service = read(&kit("linux/ddns-audit.service"));
    let script_options = options_in(&script);
    let service_options = options_in(&service);
    for wanted in ["fail-on", "previous", "keep", "html", "kerberos", "bind-dn", "password-file", "ldap-url", "leases", "output"] {
        assert!(script_options.iter().any(|o| o == wanted), "run-audit.ps1 does not pass --{wanted}");
    }
    for wanted in ["config", "fail-on", "previous", "keep", "html", "password-file", "output"] {
        assert!(service_options.iter().any(|o| o == wanted), "ddns-audit.service does not pass --{wanted}");
    }
    for o in script_options.iter().chain(&service_options) {
        assert!(help.stdout.contains(&format!("--{o}")), "--{o} is not an option of ddns-audit audit");
    }
    // The wrapper reuses the repository's export scripts, with their parameters.
    let queries = root().join("queries/windows");
    for (script_name, params) in [
        ("export-leases-v4.ps1", &["$Server", "$OutFile"][..]),
        ("export-leases-v6.ps1", &["$Server", "$OutFile"][..]),
        ("export-dhcp-dns-settings.ps1", &["$ComputerName", "$OutFile"][..]),
    ] {
        assert!(script.contains(&format!("'{script_name}'")), "run-audit.ps1 does not run {script_name}");
        let text = read(&queries.join(script_name));
        for p in params {
            assert!(text.contains(p), "{script_name} has no parameter {p}");
        }
    }
    // One event per outcome, as README.md documents them.
    for id in ["$EventOk = 1000", "$EventFindings = 1001", "$EventFailed = 1002", "$EventIncomplete = 1003"] {
        assert!(script.contains(id), "{id}");
    }
}

#[test]
fn the_systemd_units_verify_without_a_warning_and_are_hardened() {
    let service = kit("linux/ddns-audit.service");
    let timer = kit("linux/ddns-audit.timer");
    let verify = tool("systemd-analyze", &["verify", service.to_str().unwrap(), timer.to_str().unwrap()], "systemd");
    // verify exits 0 on unknown keys and bad values too: it only prints them.
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert_eq!(String::from_utf8_lossy(&verify.stderr), "");
    assert_eq!(String::from_utf8_lossy(&verify.stdout), "");
    // systemd's own exposure score, 0 best, 10 worst ("OK" below 2); the threshold is in tenths.
    let security = tool("systemd-analyze", &["security", "--offline=true", "--threshold=20", "--no-pager", service.to_str().unwrap()], "systemd");
    assert!(security.status.success(), "{}{}", String::from_utf8_lossy(&security.stdout), String::from_utf8_lossy(&security.stderr));

    let text = read(&service);
    for line in [
        "DynamicUser=yes",
        "StateDirectory=ddns-audit",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service",
        "LoadCredential=ldap-password:/etc/ddns-audit/ldap-password",
    ] {
        assert!(text.lines().any(|l| l == line), "ddns-audit.service lacks {line}");
    }
    assert!(text.contains(r#"--password-file "$${CREDENTIALS_DIRECTORY}/ldap-password""#));
    let text = read(&timer);
    for line in ["OnCalendar=*-*-* 05:30:00", "RandomizedDelaySec=30min", "Persistent=true", "WantedBy=timers.target"] {
        assert!(text.lines().any(|l| l == line), "ddns-audit.timer lacks {line}");
    }
}

#[test]
fn the_linux_config_is_read_by_the_tool_and_used() {
    // Every site value swapped for loopback or a fixture (no traffic leaves the machine), every
    // key kept: the run gets past the settings to connecting, and stops there (exit 2).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let ca = root().join("tests/fixtures/tls/ca.pem");
    let config = read(&kit("linux/audit.toml"))
        .replace("kea1.corp.example.test:8000", &format!("127.0.0.1:{port}"))
        .replace("kea2.corp.example.test:8000", &format!("127.0.0.1:{port}"))
        .replace("ldaps://corp.example.test", &format!("ldaps://127.0.0.1:{port}"))
        .replace("\"10.0.0.10\"", &format!("\"127.0.0.1:{port}\""))
        .replace("\"10.0.0.11\"", &format!("\"127.0.0.1:{port}\""))
        .replace("/etc/ddns-audit/corp-ca.pem", ca.to_str().unwrap());
    let values: String = config.lines().filter(|l| !l.trim_start().starts_with('#')).map(|l| l.split(" #").next().unwrap_or("")).collect();
    assert!(!values.contains(".example.test:") && !values.contains("://corp.") && !values.contains("10.0."), "a site value left: {config}");
    let d = scratch();
    std::fs::write(d.path().join("audit.toml"), config).unwrap();
    std::fs::write(d.path().join("ldap-password"), "secret\n").unwrap();
    let r = ddns_audit(&["audit", "--config", "audit.toml", "--password-file", "ldap-password", "--fail-on", "at-risk", "--output", "-"], d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: cannot reach the domain controller at 127.0.0.1:{port}: Connection refused (os error 111) (check the host name, port and firewall)\n")
    );
}
