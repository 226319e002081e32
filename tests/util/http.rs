//! The one fake HTTP server of the Kea tests: the end-to-end tests' (`util::http`) and the unit
//! tests' (`test_support::http`, which includes this file). On loopback, a thread per
//! connection; the requests on a connection are read one after another, each answered with the
//! bytes `respond` gives (an HTTP reply from [`reply`], or anything a hostile endpoint sends).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test server: a failed bind fails the test

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub body: String,
    /// The `Authorization` header's value.
    pub authorization: Option<String>,
}

impl Request {
    /// The body as JSON (`null` when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The requests answered, in order.
pub type Log = Arc<Mutex<Vec<Request>>>;

/// Answers every request with `respond(request)`; returns the base URL
/// (`http://127.0.0.1:PORT/`) and the log. A connection ends when the client closes it or a
/// reply says `Connection: close`.
pub fn serve(respond: impl Fn(&Request) -> Vec<u8> + Send + Sync + 'static) -> (String, Log) {
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let url = serve_raw(move |mut stream| {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        while let Some(request) = read_request(&mut reader) {
            let answer = respond(&request);
            seen.lock().unwrap().push(request);
            let close = String::from_utf8_lossy(&answer).to_ascii_lowercase().contains("\r\nconnection: close\r\n");
            if stream.write_all(&answer).is_err() || close {
                return;
            }
        }
    });
    (url, log)
}

/// Runs `handle` on every connection, each on a thread of its own: for the endpoints that are
/// no HTTP server at all (silent, closing, endless); returns the base URL.
pub fn serve_raw(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = Arc::new(handle);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let handle = Arc::clone(&handle);
            std::thread::spawn(move || handle(stream));
        }
    });
    format!("http://{addr}/")
}

/// Reads one request, its head and its body (`Content-Length`); `None` when the connection
/// ends before a head.
pub fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let (mut len, mut authorization, mut any) = (0usize, None, false);
    let mut line = String::new();
    loop {
        match reader.read_line(&mut line) {
            Ok(0) => break,
            // Not text (a TLS hello on a plain port): the head ends here, and is answered.
            Err(_) => {
                any = true;
                break;
            }
            Ok(_) => any = true,
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_string());
            }
        }
        line.clear();
    }
    if !any {
        return None;
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request { body: String::from_utf8_lossy(&body).into_owned(), authorization })
}

/// An HTTP/1.1 reply of `status` with `body` (as JSON), closing the connection.
pub fn reply(status: u16, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
}
