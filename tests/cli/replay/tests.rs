//! The replay server itself, over raw sockets.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use super::Replay;

/// A recordings folder: (request, accept, body) answered 200 as text/plain.
fn recordings(entries: &[(&str, Option<&str>, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Vec::new();
    for (i, (request, accept, body)) in entries.iter().enumerate() {
        let file = format!("{i}.txt");
        std::fs::write(dir.path().join(&file), body).unwrap();
        index.push(json!({"request": request, "accept": accept, "status": 200,
                          "content_type": "text/plain", "file": file}));
    }
    std::fs::write(
        dir.path().join("index.json"),
        serde_json::to_vec(&index).unwrap(),
    )
    .unwrap();
    dir
}

/// Send raw bytes, read until the server closes: (status line, headers, body).
fn exchange(port: u16, request: &str) -> (String, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(buf[..end].to_vec()).unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
    (
        status.to_string(),
        headers.to_string(),
        buf[end + 4..].to_vec(),
    )
}

fn get(port: u16, target: &str, accept: &str) -> (String, Vec<u8>) {
    let (status, _, body) = exchange(
        port,
        &format!(
            "GET {target} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        ),
    );
    (status, body)
}

#[test]
fn matching_by_path_query_and_accept() {
    let first = recordings(&[("/q?a=1", None, "a1"), ("/only", None, "first")]);
    let second = recordings(&[
        ("/q?a=1&b=2", None, "a1b2"),
        ("/q", Some("application/protobuf"), "pb"),
        ("/only", None, "second"),
        ("/s?tags=service.name%3Dweb+app", None, "decoded"),
    ]);
    let server = Replay::start(&[first.path(), second.path()]);
    let port = server.port();
    let body = |target: &str, accept: &str| {
        let (status, body) = get(port, target, accept);
        format!("{status} {}", String::from_utf8(body).unwrap())
    };
    // The most equal parameters win; a parameter only one side has is ignored.
    assert_eq!(body("/q?a=1&b=2&c=9", "*/*"), "HTTP/1.1 200 OK a1b2");
    assert_eq!(body("/q?b=3&a=1", "*/*"), "HTTP/1.1 200 OK a1");
    // A tie goes to the later folder; a parameter given twice counts with its first value.
    assert_eq!(body("/q?a=1&a=2", "*/*"), "HTTP/1.1 200 OK a1b2");
    assert!(body("/q?a=2&a=1", "*/*").starts_with("HTTP/1.1 404 "));
    // No JSON-or-anything recording answers protobuf; the protobuf one answers only protobuf.
    assert_eq!(body("/q?a=1", "application/protobuf"), "HTTP/1.1 200 OK pb");
    assert_eq!(
        body("/q?a=2", "application/json"),
        "HTTP/1.1 404 Not Found 404 page not found\n"
    );
    // A later folder wins; the query is form-decoded on both sides.
    assert_eq!(body("/only", "*/*"), "HTTP/1.1 200 OK second");
    assert_eq!(
        body("/s?tags=service.name%3Dweb%20app", "*/*"),
        "HTTP/1.1 200 OK decoded"
    );
    assert_eq!(
        body("/__fault/always=503/only", "*/*"),
        "HTTP/1.1 503 Service Unavailable injected failure\n"
    );
    // A typo in a spec fails loudly.
    assert!(body("/__fault/trunkate/only", "*/*").starts_with("HTTP/1.1 400 "));
    let (status, _, _) = exchange(port, "POST /only HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi");
    assert_eq!(status, "HTTP/1.1 501 Not Implemented");
    let (status, _, _) = exchange(port, "nonsense\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    let log = server.requests();
    assert_eq!(log[0].raw, "/q?a=1&b=2&c=9");
    assert_eq!(log[6].path, "/only");
    assert_eq!(log[6].header("ACCEPT"), Some("*/*"));
    assert_eq!(log[8].raw, "/__fault/always=503/only");
    assert_eq!(
        server.count("/only"),
        3,
        "POST and bad requests are not logged"
    );
}

#[test]
fn keep_alive_for_http_1_1_and_close_for_1_0() {
    let rec = recordings(&[("/a", None, "A"), ("/b", None, "BB")]);
    let server = Replay::start(&[rec.path()]);
    // Two requests on one connection, the second asking to close.
    let (_, _, rest) = exchange(
        server.port(),
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let rest = String::from_utf8(rest).unwrap();
    assert!(rest.starts_with("AHTTP/1.1 200 OK\r\n"), "{rest:?}");
    assert!(rest.ends_with("Connection: close\r\n\r\nBB"), "{rest:?}");
    let (_, headers, body) = exchange(server.port(), "GET /a HTTP/1.0\r\n\r\n");
    assert!(headers.contains("Connection: close"), "{headers}");
    assert_eq!(body, b"A");
}

#[test]
fn truncate_announces_all_and_sends_half() {
    let rec = recordings(&[("/t", None, "0123456789")]);
    let server = Replay::start(&[rec.path()]);
    // Keep-alive asked for, yet the connection is closed after half the body.
    let (_, headers, body) = exchange(
        server.port(),
        "GET /__fault/truncate/t HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert!(headers.contains("Content-Length: 10"), "{headers}");
    assert_eq!(body, b"01234");
}

#[test]
fn drop_closes_open_connections_and_cuts_a_delay_short() {
    let server = Replay::start(&[]);
    let port = server.port();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.write_all(b"GET /__fault/delay=60/api/echo HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    // An idle keep-alive connection too.
    let idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let t0 = Instant::now();
    while server.count("/api/echo") == 0 {
        assert!(t0.elapsed() < Duration::from_secs(10), "request not seen");
        std::thread::sleep(Duration::from_millis(10));
    }
    let t0 = Instant::now();
    drop(server);
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    // Both open connections see the server close them. (Connecting to the
    // port again proves nothing: a parallel test may be given the same port.)
    for mut stream in [slow, idle] {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut rest = Vec::new();
        let read = stream.read_to_end(&mut rest);
        assert!(
            read.is_ok()
                || matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "{read:?}"
        );
    }
}
