//! The lab tests of what live AD resolves beside the report (issue #10): the record owners,
//! the authorized DHCP servers and the zones' policies, read from the Samba DC that
//! `tests/run.sh` starts (tests/lab/README.md). Here, not in `tests/lab_ad.rs`, because they
//! look at the reader's own data, which the crate does not export. `#[ignore]`d in a plain
//! `cargo test`; a test that cannot reach the lab fails.

use super::owners::OwnersView;
use super::{LdapConfig, LdapSettings, PASSWORD_ENV, read_ad};

/// A lab variable (`. tests/lab/env.sh`).
fn lab(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: the lab is not up (run tests/run.sh, or tests/lab/up.sh and . tests/lab/env.sh)"))
}

/// Reads live AD as the audit does and returns what it resolved, as plain text; `Err` is the
/// error's message.
fn live_owners(settings: &LdapSettings) -> Result<OwnersView, String> {
    let config = LdapConfig::from_settings(settings, || crate::secret::read(settings.password_file.as_deref(), PASSWORD_ENV)).map_err(|e| e.to_string())?;
    let ad = read_ad(&config, |_| {}).map_err(|e| e.to_string())?;
    Ok(OwnersView::new(&ad.owners, &ad.problems))
}

/// Issue #10, live AD: each planted owner (tests/lab/plant.py OWNERS) read from the dnsNode's
/// security descriptor in the zone search and resolved (name, kind, admin, DHCP server), the
/// authorized DHCP servers from NetServices, and each zone's dynamic-update policy, as
/// `bind_dn` (Administrator, or the plain user `auditor`: the owner needs no special rights).
fn assert_lab_owners(kerberos: bool, bind: Option<(&str, &str)>) {
    let settings = LdapSettings {
        // Kerberos on ldap:// seals with Kerberos (the SPN from the server name); else LDAPS.
        url: if kerberos { lab("LAB_LDAP_URL") } else { lab("LAB_LDAPS_URL") },
        base_dn: None,
        bind_dn: bind.map(|b| lab(b.0)),
        password_file: bind.map(|b| lab(b.1).into()),
        kerberos,
        ca_file: Some(lab("LAB_CA_FILE").into()),
        server_name: kerberos.then(|| lab("LAB_DC_FQDN")),
    };
    let v = live_owners(&settings).unwrap_or_else(|e| panic!("{e}"));
    let sid = v.node_sids.get("fresh-01.corp.example.test").unwrap();
    let domain_sid = sid.rsplit_once('-').unwrap().0;
    let want = [
        ("fresh-01.corp.example.test", "CORP\\FRESH-01$", "computer", false, false),
        ("frozen-01.corp.example.test", "CORP\\STATIC-01$", "computer", false, true),
        ("frozen-02.corp.example.test", "CORP\\dhcpdns", "user", false, false),
        ("mismatch-01.corp.example.test", "CORP\\FROZEN-02$", "computer", false, false),
        ("static-01.corp.example.test", "CORP\\Administrator", "user", true, false),
        ("noaging-01.corp.example.test", "CORP\\netops", "user", true, false),
    ];
    for (node, display, kind, admin, dhcp) in want {
        assert_eq!(v.nodes.get(node), Some(&(display.to_string(), kind, admin, dhcp)), "{node}: {:?} {:?}", v.dhcp_servers, v.problems);
    }
    // A SID of the domain that no account has: shown as the SID, and a counted problem.
    let gone = format!("{domain_sid}-77777");
    assert_eq!(v.nodes.get("forest-01.forest.example.test"), Some(&(gone.clone(), "unresolved", false, false)));
    assert!(v.problems.contains(&format!("owner {gone}: no object with this SID in DC=corp,DC=example,DC=test (deleted account?)")), "{:?}", v.problems);
    // A node the plant did not touch: Samba makes its creator (Administrator) the owner.
    assert_eq!(v.nodes.get("v6-01.corp.example.test"), Some(&("CORP\\Administrator".to_string(), "user", true, false)));
    assert_eq!(v.zones.get("corp.example.test"), Some(&"secure"));
    assert_eq!(v.zones.get("77.10.in-addr.arpa"), Some(&"none"));
    assert_eq!(v.zones.get("78.10.in-addr.arpa"), Some(&"secure"));
    assert_eq!(v.zones.get("forest.example.test"), Some(&"nonsecure"));
    assert_eq!(
        v.dhcp_servers,
        vec![
            ("dhcp-old.corp.example.test".to_string(), Some("10.77.9.9".to_string()), None),
            ("static-01.corp.example.test".to_string(), Some("10.77.1.40".to_string()), Some("CORP\\STATIC-01$".to_string())),
        ]
    );
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn ldaps_record_owners_zone_policies_and_dhcp_servers() {
    assert_lab_owners(false, Some(("LAB_BIND_DN", "LAB_PASSWORD_FILE")));
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it"]
fn ldaps_record_owners_as_a_plain_user() {
    assert_lab_owners(false, Some(("LAB_AUDITOR_DN", "LAB_AUDITOR_PASSWORD_FILE")));
}

#[test]
#[ignore = "needs the lab: tests/run.sh starts it (and the build needs --features kerberos)"]
fn kerberos_record_owners_zone_policies_and_dhcp_servers() {
    assert_lab_owners(true, None);
}
