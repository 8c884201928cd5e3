//! HTTP/1.1 on the wire: a connection (plain or TLS), one request read from it, one answer
//! written to it in the way a fault asks for.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::SystemTime;

/// Longest request line or header line accepted, and most header lines.
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;

/// One accepted connection.
pub(super) enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }

    /// Send what is buffered and close both directions (no TLS close_notify: to the client, a
    /// connection closed this way before the announced end of a body is a broken one).
    pub(super) fn close(&mut self) {
        let _ = self.flush();
        let _ = self.tcp().shutdown(Shutdown::Both);
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// A request as read: method, target as sent, version, headers (names lower-cased, in order).
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    version: String,
    pub(super) headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of a header (name in any case).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Whether the client wants the connection kept for another request.
    pub(super) fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |token: &str| connection.split(',').any(|t| t.trim() == token);
        if self.version == "HTTP/1.1" {
            !has("close")
        } else {
            has("keep-alive")
        }
    }
}

pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A request that is not HTTP/1.x as this server reads it (answered 400, unlike a broken
/// connection or a failed TLS handshake).
#[derive(Debug)]
pub(super) struct BadRequest(String);

impl std::fmt::Display for BadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadRequest {}

/// The next request of a connection; `Ok(None)` when the client closed it between requests.
/// A request body (`Content-Length`) is read and dropped.
pub(super) fn read_request(r: &mut impl BufRead) -> io::Result<Option<Request>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, BadRequest(what.into()));
    // Empty lines before a request line are allowed (RFC 9112 §2.2).
    let line = loop {
        match read_line(r)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("bad request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad("not HTTP/1.x"));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(r)?.ok_or_else(|| bad("end of headers missing"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| bad("bad header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        if headers.len() > MAX_HEADERS {
            return Err(bad("too many headers"));
        }
    }
    if let Some(n) = header(&headers, "content-length") {
        let n: u64 = n.parse().map_err(|_| bad("bad Content-Length"))?;
        io::copy(&mut r.take(n), &mut io::sink())?;
    }
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    }))
}

/// One line without its CRLF; `None` at the end of the stream before any byte.
fn read_line(r: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.len() > MAX_LINE || buf.last() != Some(&b'\n') {
        let what = BadRequest("line too long or cut".into());
        return Err(io::Error::new(io::ErrorKind::InvalidData, what));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// How an answer's body goes out. A fault that changes the sending (not the answer) is a
/// variant here and an arm in [`write_answer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Delivery {
    /// All of it, then the connection may serve the next request.
    Whole,
    /// Announce the whole length, send the first half, close the connection.
    Truncate,
    /// Send the headers, then the body one byte at a time with this pause before each, then
    /// close (a server that stops when its connection is shut stops the drip too).
    Drip(std::time::Duration),
    /// Announce the whole length, send the first half, wait (the server's caller does), close.
    Stall(std::time::Duration),
}

/// An answer to send.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    /// Headers besides Content-Type, Content-Length, Connection, Date and Server.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    pub(super) delivery: Delivery,
}

impl Answer {
    /// A plain-text answer sent whole.
    pub(super) fn text(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: Some("text/plain; charset=utf-8".into()),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            delivery: Delivery::Whole,
        }
    }
}

/// Send an answer; `Ok(true)` when the connection may serve another request.
pub(super) fn write_answer(conn: &mut Conn, a: &Answer, keep_alive: bool) -> io::Result<bool> {
    let close = !keep_alive || a.delivery != Delivery::Whole;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: replay/1\r\nDate: {}\r\n",
        a.status,
        reason(a.status),
        httpdate::fmt_http_date(SystemTime::now())
    );
    if let Some(ct) = &a.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    for (k, v) in &a.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", a.body.len()));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    match a.delivery {
        Delivery::Whole => conn.write_all(&a.body)?,
        Delivery::Truncate | Delivery::Stall(_) => conn.write_all(&a.body[..a.body.len() / 2])?,
        Delivery::Drip(pause) => {
            conn.flush()?;
            for b in &a.body {
                std::thread::sleep(pause);
                conn.write_all(std::slice::from_ref(b))?;
                conn.flush()?;
            }
        }
    }
    conn.flush()?;
    Ok(!close)
}

/// The reason phrase (clients go by the code; this is for people reading a capture).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
