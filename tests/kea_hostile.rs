//! Hostile Kea endpoints, end to end through the binary: a small HTTP server on loopback that
//! repeats a page, answers garbage or never answers; each run stops with exit 2 and a message
//! naming the endpoint (and never loops or grows without bound).

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use util::{ddns_audit, scratch};

/// Serves every connection with `reply(request body)`: the raw bytes written back.
fn serve(reply: fn(&str) -> Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || handle(stream, reply));
        }
    });
    format!("http://{addr}/")
}

fn handle(mut stream: TcpStream, reply: fn(&str) -> Vec<u8>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut len = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let _ = stream.write_all(&reply(&String::from_utf8_lossy(&body)));
}

fn http(status: u16, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
}

fn run(url: &str, extra: &[&str]) -> util::Run {
    let d = scratch();
    let mut args = vec!["audit", "--kea-url", url, "--output", "-"];
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
        &["audit", "--kea-url", "http://kea@127.0.0.1:9/", "--kea-password-file", d.path().to_str().unwrap(), "--output", "-"],
        d.path(),
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, format!("ddns-audit: error: --kea-password-file {}: {}\n", d.path().display(), std::fs::read_to_string(d.path()).unwrap_err()));
}
