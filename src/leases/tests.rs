//! The lease module's own rules: de-duplication, origins, server names, MAC addresses.

use super::*;

#[test]
fn one_lease_per_address_across_exports_the_most_current_kept_in_reading_order() {
    let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a.csv"), Arc::from("b.csv"));
    let t = |s: &str| crate::timefmt::parse_time_utc(s);
    let lease = |src: &Arc<str>, line, ip: &str, state, expires| Lease {
        ip: ip.parse().unwrap(),
        hostname: None,
        mac: None,
        state,
        expires,
        duration: None,
        origin: LeaseOrigin::new(src, None, None, None),
        line,
    };
    let leases = vec![
        lease(&a, 2, "10.0.0.1", LeaseState::Active, t("2026-12-01T00:00:00Z")),
        lease(&a, 3, "10.0.0.2", LeaseState::Free, None),
        lease(&a, 4, "10.0.0.3", LeaseState::Active, t("2026-12-01T00:00:00Z")),
        lease(&b, 2, "10.0.0.1", LeaseState::Active, t("2026-12-02T00:00:00Z")),
        lease(&b, 3, "10.0.0.2", LeaseState::Active, t("2026-11-01T00:00:00Z")),
        lease(&b, 4, "10.0.0.3", LeaseState::Active, t("2026-12-01T00:00:00Z")),
        lease(&b, 5, "10.0.0.4", LeaseState::Reservation, None),
    ];
    let mut problems = Problems::default();
    let kept: Vec<(String, usize)> = dedupe_across_sources(leases, &mut problems).iter().map(|l| (l.source().to_string(), l.line)).collect();
    // The later expiry; a held lease over a free one; of equals, the later file.
    assert_eq!(kept, [("b.csv", 2), ("b.csv", 3), ("b.csv", 4), ("b.csv", 5)].map(|(s, l)| (s.to_string(), l)));
    let told: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
    assert_eq!(told, [2, 3, 4].map(|l| format!("a.csv:{l}: superseded by a later record: lease for 10.0.0.{} also in another export; kept the more current one", l - 1)));
    // Nothing to drop: the same vector back.
    let single = vec![lease(&a, 2, "10.0.0.1", LeaseState::Active, None), lease(&a, 3, "::1", LeaseState::Active, None)];
    assert_eq!(dedupe_across_sources(single, &mut Problems::default()).len(), 2);
}

#[test]
fn leases_with_the_same_file_scope_server_and_registration_share_one_origin() {
    let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a.csv"), Arc::from("b.csv"));
    let mut i = Interner::default();
    let first = i.origin(&a, "10.0.16.0", Registration::Windows("Complete"), "");
    let other_scope = i.origin(&a, "10.0.17.0", Registration::Windows("Complete"), "");
    let again = i.origin(&a, "10.0.16.0", Registration::Windows("Complete"), "");
    assert!(Arc::ptr_eq(&first, &again) && !Arc::ptr_eq(&first, &other_scope));
    assert_eq!((again.scope.as_deref(), again.dns_registration.as_ref().map(DnsRegistration::as_str), again.server.as_deref()), (Some("10.0.16.0"), Some("Complete"), None));
    // Another file is another origin, whatever its values.
    let from_b = i.origin(&b, "10.0.16.0", Registration::Windows("Complete"), "");
    assert!(!Arc::ptr_eq(&first, &from_b));
    assert_eq!(&*from_b.source, "b.csv");
    assert!(!Arc::ptr_eq(&i.origin(&a, "10.0.16.0", Registration::Windows("Pending"), ""), &first));
    assert!(Arc::ptr_eq(&i.origin(&a, "10.0.16.0", Registration::Windows("Complete"), ""), &first));
}

/// Whose DHCP server a lease names: a Windows CSV's, a Kea endpoint's (URL and family); an
/// Export-DhcpServer XML's key is only its file.
#[test]
fn server_names() {
    let from = |source: &str, server: &str| Lease { origin: LeaseOrigin::new(&Arc::from(source), Some("3"), None, Some(server)), ..crate::test_support::lease("10.0.0.1", None, None) };
    assert_eq!(from("dhcp1-v4.csv", "10.0.0.5").server_name(), Some("10.0.0.5"));
    let kea = from("http://kea1:8000/", &kea_api::config::server_key("http://kea1:8000/", false));
    assert_eq!(kea.server_name(), Some("http://kea1:8000/ dhcp4"));
    let xml = from("exports/dhcp2-export.xml", &windows_xml::server_key("exports/dhcp2-export.xml", false));
    assert_eq!((xml.server_name(), xml.server()), (None, Some("exports/dhcp2-export.xml IPv4")));
}

#[test]
fn macs() {
    assert_eq!(normalize_mac("00-15-5D-01-02-03").as_deref(), Some("00:15:5d:01:02:03"));
    assert_eq!(normalize_mac("0015.5d01.0203").as_deref(), Some("00:15:5d:01:02:03"));
    assert_eq!(normalize_mac("3C:22:fB:0a:1b:2c").as_deref(), Some("3c:22:fb:0a:1b:2c"));
    assert_eq!(normalize_mac("3c:22:fb:0a:1b:2").as_deref(), None);
    assert_eq!(normalize_mac("3c:22:fb:0a:1b:2:").as_deref(), None);
    assert_eq!(normalize_mac("zz"), None);
    assert_eq!(normalize_mac(""), None);
}

#[test]
fn detection() {
    assert_eq!(detect("#TYPE Microsoft.Management.Infrastructure.CimInstance\n\"IPAddress\",\"ScopeId\"\n"), Some(Format::WindowsCsv));
    assert_eq!(detect("\"IPAddress\",\"ScopeId\"\n"), Some(Format::WindowsCsv));
    assert_eq!(detect("<?xml version=\"1.0\"?>\n<DHCPServer>"), Some(Format::WindowsXml));
    assert_eq!(detect("address,hwaddr,client_id,valid_lifetime\n"), Some(Format::KeaCsv));
    assert_eq!(detect("address,duid,valid_lifetime\n"), Some(Format::KeaCsv));
    assert_eq!(detect("# The format of this file is documented in the dhcpd.leases(5) manual page.\nlease 10.0.0.5 {\n"), Some(Format::Isc));
    assert_eq!(detect("1764000000 00:11:22:33:44:55 10.0.0.9 pc1 01:00:11:22:33:44:55\n"), Some(Format::Dnsmasq));
    assert_eq!(detect("hello world\n"), None);
}

/// Files read from disk: streamed (the Windows CSV) or whole (the others), with the text
/// `decode` gives, detected from their first lines.
#[test]
fn files_are_read_as_decode_reads_them() {
    let d = tempfile::tempdir().unwrap();
    let read = |name: &str, bytes: &[u8]| {
        let p = d.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        let format = read_file(&p, None, &InputTimes::default(), &mut out, &mut Default::default(), &mut problems);
        (format.map_err(|e| e.to_string()), out, problems.list)
    };
    // An ANSI export whose first non-ASCII byte lies blocks into the file: Latin-1 throughout.
    let mut csv = b"IPAddress,HostName\r\n".to_vec();
    for i in 0..20_000 {
        csv.extend(format!("10.0.{}.{},pc{i}\r\n", i / 200, i % 200 + 1).bytes());
    }
    csv.extend(b"10.1.0.1,caf\xE9\r\n");
    let (format, out, problems) = read("leases.csv", &csv);
    assert_eq!((format, out.len(), problems), (Ok(Format::WindowsCsv), 20_001, vec![]));
    let last = out.last().unwrap();
    assert_eq!((last.hostname.as_deref(), last.line), (Some("café"), 20_002));
    let (mut whole, mut problems) = (Vec::new(), Problems::default());
    parse(Format::WindowsCsv, &input::decode(csv.clone()), &input::source_name(&d.path().join("leases.csv")), &InputTimes::default(), &mut whole, &mut problems).unwrap();
    assert!(whole == out);
    // A blank file is no export at all (issue #19): an error naming it; UTF-16 is
    // detected from its decoded head.
    let blank = read("blank.csv", b"\r\n \n").0.unwrap_err();
    assert!(blank.ends_with("blank.csv: the file is empty: no lease read (an export that failed or was cut off?)"), "{blank}");
    let isc: Vec<u8> = [0xFF, 0xFE].into_iter().chain("lease 10.0.0.5 {\n  hardware ethernet 00:11:22:33:44:55;\n}\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let (format, out, _) = read("dhcpd.leases", &isc);
    assert_eq!((format, out.len()), (Ok(Format::Isc), 1));
    // A pipe (`<(...)`) can be read only once: its bytes are kept for the second pass.
    #[cfg(unix)]
    {
        let fifo = d.path().join("fifo.csv");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let bytes = csv.clone();
        let writer = std::thread::spawn({
            let fifo = fifo.clone();
            move || std::fs::write(fifo, bytes).unwrap()
        });
        let (mut out, mut problems) = (Vec::new(), Problems::default());
        assert_eq!(read_file(&fifo, None, &InputTimes::default(), &mut out, &mut Default::default(), &mut problems).unwrap(), Format::WindowsCsv);
        writer.join().unwrap();
        assert_eq!(out.len(), 20_001);
    }
    let missing = d.path().join("none.csv");
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    let e = read_file(&missing, None, &InputTimes::default(), &mut out, &mut Default::default(), &mut problems).unwrap_err();
    // The OS's own wording ("No such file or directory" on Linux, "File not found." on Windows).
    let os = std::fs::File::open(&missing).unwrap_err();
    assert_eq!(e.to_string(), format!("cannot read {}: {os}", missing.display()));
}
