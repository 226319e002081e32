//! Hostile Kea endpoints, end to end through the binary: a small HTTP server on loopback that
//! repeats a page, answers garbage or never answers; each run stops with exit 2 and a message
//! naming the endpoint (and never loops or grows without bound).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns unwrap too

mod util;

use std::time::Duration;

use util::http::reply as http;
use util::{ddns_audit, scratch};

/// Serves every request with `reply(request body)`: the raw bytes written back.
fn serve(reply: fn(&str) -> Vec<u8>) -> String {
    util::http::serve(move |request| reply(&request.body)).0
}

fn run(url: &str, extra: &[&str]) -> util::Run {
    let d = scratch();
    let mut args = vec!["audit", "--no-dns", "--kea-url", url, "--output", "-"];
    args.extend_from_slice(extra);
    ddns_audit(&args, d.path())
}

#[test]
fn a_kea_endpoint_that_repeats_a_page_stops_with_exit_two() {
    // The same full page of 1000 leases for every "from": the old reader looped forever.
    let url = serve(|_| {
        let leases: Vec<String> =
            (0..1000).map(|i| format!(r#"{{"ip-address": "10.0.{}.{}", "valid-lft": 3600, "cltt": 1800000000, "hostname": "h{i}"}}"#, i / 250, i % 250 + 1)).collect();
        http(200, &format!(r#"[{{"result": 0, "text": "1000 IPv4 lease(s) found.", "arguments": {{"count": 1000, "leases": [{}]}}}}]"#, leases.join(",")))
    });
    let started = std::time::Instant::now();
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {url}: lease4-get-page: paging does not advance: after 10.0.3.250 the endpoint answered 10.0.0.1, which comes before it; stopped (Kea pages in address order)\n")
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn garbage_and_html_errors_say_what_the_endpoint_answered() {
    let url = serve(|_| http(200, "<html><body>Welcome to nginx!</body></html>"));
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {url}: the Kea control endpoint answered garbage: not JSON (expected value at line 1 column 1): <html><body>Welcome to nginx!</body></html>\n")
    );
    let url = serve(|_| http(500, "<html>\n<head><title>500 Internal Server Error</title></head>\n</html>"));
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, format!("ddns-audit: error: {url}: HTTP 500: <html> <head><title>500 Internal Server Error</title></head> </html>\n"));
    let url = serve(|_| http(200, r#"{"leases": []}"#));
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, format!("ddns-audit: error: {url}: the Kea control endpoint answered garbage: the reply has no numeric \"result\": {{\"leases\":[]}}\n"));
}

#[test]
fn os_errors_are_printed_once() {
    let d = scratch();
    let r = util::ddns_audit_env(
        &["audit", "--no-dns", "--kea-url", "http://kea@127.0.0.1:9/", "--kea-password-file", d.path().to_str().unwrap(), "--output", "-"],
        d.path(),
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, format!("ddns-audit: error: --kea-password-file {}: {}\n", d.path().display(), std::fs::read_to_string(d.path()).unwrap_err()));
}

// ---- TLS errors in words ----

/// A TLS server on loopback presenting `cert`/`key` (from tests/fixtures/tls); it only shakes
/// hands (the handshake is what fails in these tests).
fn tls_server(cert: &str, key: &str) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = util::root().join("tests/fixtures/tls");
    let certs = vec![CertificateDer::from_pem_file(dir.join(cert)).unwrap()];
    let key = PrivateKeyDer::from_pem_file(dir.join(key)).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = std::sync::Arc::new(config);
    util::http::serve_raw(move |stream| {
        let Ok(conn) = rustls::ServerConnection::new(std::sync::Arc::clone(&config)) else { return };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut tls = rustls::StreamOwned::new(conn, stream);
        let mut buf = [0u8; 1024];
        let _ = std::io::Read::read(&mut tls, &mut buf);
    })
    .replace("http://", "https://")
}

#[test]
fn tls_failures_are_sentences_with_the_right_fix() {
    let ca = util::root().join("tests/fixtures/tls/ca.pem").display().to_string();
    let url = tls_server("server.pem", "server.key");
    let host_port = url.trim_start_matches("https://").trim_end_matches('/').to_string();
    // Not trusted: the fix is --ca-file.
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {url}: TLS with {host_port} failed: the certificate is issued by a CA that is not trusted here: give that CA's certificate (PEM) with --ca-file\n")
    );
    // Trusted, but for other names: a CA file does not fix that.
    let r = run(&url, &["--ca-file", &ca]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "ddns-audit: error: {url}: TLS with {host_port} failed: the certificate does not match the name 127.0.0.1: it is valid for kea.example.test or kea2.example.test; connect with a name the certificate holds (a CA file does not change this)\n"
        )
    );
    // The CA's own certificate as the server's (webpki's CaUsedAsEndEntity).
    let url = tls_server("ca.pem", "ca.key");
    let host_port = url.trim_start_matches("https://").trim_end_matches('/').to_string();
    let r = run(&url, &["--ca-file", &ca]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "ddns-audit: error: {url}: TLS with {host_port} failed: the server presents a CA certificate as its own: it needs a server certificate issued by that CA (a CA file does not change this)\n"
        )
    );
}

#[test]
fn plain_http_on_an_https_url_is_named() {
    let url = serve(|_| http(200, "{}")).replace("http://", "https://");
    let host_port = url.trim_start_matches("https://").trim_end_matches('/').to_string();
    let r = run(&url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("ddns-audit: error: {url}: TLS with {host_port} failed: the server does not speak TLS on this port (plain HTTP or LDAP there? then use http:// or ldap://)\n")
    );
}

// ---- config-get (the DHCP DNS settings, issue #10): a problem, never a failed run ----

fn ddns_settings(url: &str) -> (ddns_audit::leases::kea_api::KeaDdnsSettings, Vec<String>) {
    ddns_audit::leases::kea_api::ddns_settings_of(url, None, None, None)
}

#[test]
fn a_refused_config_get_is_a_counted_problem() {
    let url = serve(|_| http(200, r#"[{"result": 1, "text": "'config-get' command not allowed"}]"#));
    let (settings, problems) = ddns_settings(&url);
    assert_eq!(
        problems,
        vec![format!("{url}: access denied: config-get (dhcp4) refused (Kea result 1): 'config-get' command not allowed; this endpoint's DHCP DNS settings are not known")]
    );
    assert!(settings.endpoints.is_empty() && settings.notes.is_empty());
    // A restricted agent's 403.
    let url = serve(|_| http(403, "Forbidden"));
    let (settings, problems) = ddns_settings(&url);
    assert_eq!(
        problems,
        vec![format!("{url}: access denied: config-get: HTTP 403: the Kea endpoint refused the credentials (it wants HTTP basic authentication: give a user in the URL or --kea-user, the password in DDNS_AUDIT_KEA_PASSWORD or --kea-password-file); this endpoint's DHCP DNS settings are not known")]
    );
    assert!(settings.endpoints.is_empty());
}

#[test]
fn a_garbage_config_get_is_a_counted_problem() {
    let url = serve(|_| http(200, "<html><body>Welcome to nginx!</body></html>"));
    let (settings, problems) = ddns_settings(&url);
    assert_eq!(
        problems,
        vec![format!("{url}: malformed record: config-get: the Kea control endpoint answered garbage: not JSON (expected value at line 1 column 1): <html><body>Welcome to nginx!</body></html>; this endpoint's DHCP DNS settings are not known")]
    );
    assert!(settings.endpoints.is_empty());
    // JSON, but a configuration of another shape: a string where Kea has a boolean.
    let url = serve(|_| http(200, r#"[{"result": 0, "arguments": {"Dhcp4": {"ddns-update-on-renew": "false", "subnet4": [{"id": 1}]}, "hash": "00"}}]"#));
    let (settings, problems) = ddns_settings(&url);
    assert_eq!(
        problems,
        vec![format!("{url}: malformed record: config-get: Dhcp4: global: \"ddns-update-on-renew\" is \"false\", not true or false; this endpoint's DHCP DNS settings are not known")]
    );
    assert!(settings.endpoints.is_empty());
}
