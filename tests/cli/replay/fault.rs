//! The faults of a `/__fault/SPEC/` prefix.
//!
//! Adding a fault: a variant of [`Fault`] (its place in the enum is its place in the order the
//! faults of a spec are applied), its `key=value` parsed in [`Fault::parse`], and one arm in
//! [`Fault::answer`] (it answers instead of the recording) or in [`Fault::shape`] (it changes
//! how the recorded answer is sent, with a new [`Delivery`] when the sending itself changes).

use std::time::Duration;

use super::State;
use super::wire::{Answer, Delivery, Request};

/// The login page an SSO proxy in front of a backend answers with.
const SSO_PAGE: &str = "<!DOCTYPE html><html><head><title>Sign in - Example SSO</title></head>\
                        <body><form>login</form></body></html>\n";

/// One fault. A spec's faults are applied in this order, whatever the order in the spec.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Fault {
    /// `delay=SECONDS`: wait before answering.
    Delay(Duration),
    /// `bearer=TOKEN`: 401 unless the request has `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// `tenant=ORG`: 401 unless the request has `X-Scope-OrgID: ORG`.
    Tenant(String),
    /// `always=CODE`: every request answers CODE.
    Always(u16),
    /// `redirect=PORT`: 302 to `http://127.0.0.1:PORT` plus the rest of the request target
    /// (without this fault prefix): another origin when PORT is another server's.
    Redirect(u16),
    /// `fail=N[,status=CODE][,retry_after=VALUE]`: the first N requests under this same spec
    /// answer `status` (default 500), with a `Retry-After` header if asked.
    Fail {
        times: u32,
        status: u16,
        retry_after: Option<String>,
    },
    /// `html`: 200 with an HTML login page.
    Html,
    /// `gzip_bomb=MIB`: 200, `Content-Encoding: gzip`, a small body that inflates to MIB MiB of
    /// one JSON string.
    GzipBomb(u32),
    /// `echo`: 400 with a one-line body quoting every request header (as some proxies do).
    Echo,
    /// `truncate`: the recorded answer announces its whole length, sends half, closes.
    Truncate,
    /// `drip=SECONDS`: the headers at once, then the body one byte every SECONDS.
    Drip(Duration),
    /// `stall=SECONDS`: the recorded answer announces its whole length, sends half, waits
    /// SECONDS (a slow body: the client is mid-download), then closes.
    Stall(Duration),
}

impl Fault {
    /// A spec: comma-separated `key=value` (or `key`) items; a repeated key keeps its last
    /// value. An unknown key is an error (answered 400, so a typo fails the test).
    pub(super) fn parse(spec: &str) -> Result<Vec<Fault>, String> {
        let mut items: Vec<(&str, &str)> = Vec::new();
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            items.retain(|(key, _)| *key != k);
            items.push((k, v));
        }
        let mut take = |key: &str| {
            let i = items.iter().position(|(k, _)| *k == key)?;
            Some(items.remove(i).1)
        };
        let mut faults = Vec::new();
        if let Some(v) = take("delay") {
            let secs: f64 = number(v, "delay")?;
            faults.push(Fault::Delay(Duration::from_secs_f64(secs)));
        }
        if let Some(v) = take("bearer") {
            faults.push(Fault::Bearer(v.to_string()));
        }
        if let Some(v) = take("tenant") {
            faults.push(Fault::Tenant(v.to_string()));
        }
        if let Some(v) = take("redirect") {
            faults.push(Fault::Redirect(number(v, "redirect")?));
        }
        if let Some(v) = take("always") {
            faults.push(Fault::Always(number(v, "always")?));
        }
        if let Some(v) = take("fail") {
            let times = number(v, "fail")?;
            let status = take("status").map_or(Ok(500), |s| number(s, "status"))?;
            let retry_after = take("retry_after").map(str::to_string);
            faults.push(Fault::Fail {
                times,
                status,
                retry_after,
            });
        }
        if take("html").is_some() {
            faults.push(Fault::Html);
        }
        if let Some(v) = take("gzip_bomb") {
            faults.push(Fault::GzipBomb(number(v, "gzip_bomb")?));
        }
        if take("echo").is_some() {
            faults.push(Fault::Echo);
        }
        if take("truncate").is_some() {
            faults.push(Fault::Truncate);
        }
        if let Some(v) = take("drip") {
            let secs: f64 = number(v, "drip")?;
            faults.push(Fault::Drip(Duration::from_secs_f64(secs)));
        }
        if let Some(v) = take("stall") {
            let secs: f64 = number(v, "stall")?;
            faults.push(Fault::Stall(Duration::from_secs_f64(secs)));
        }
        match items.first() {
            Some((k, _)) => Err(format!("unknown fault {k:?} in {spec:?}")),
            None => Ok(faults),
        }
    }

    /// Before the recording is looked up: an answer of the fault's own, or `None` to go on.
    /// `spec` is the whole spec (the key of the `fail` counters).
    pub(super) fn answer(&self, req: &Request, spec: &str, server: &State) -> Option<Answer> {
        match self {
            Fault::Delay(d) => {
                server.sleep(*d);
                None
            }
            Fault::Bearer(token) => (req.header("authorization")
                != Some(&format!("Bearer {token}")))
            .then(|| Answer::text(401, "unauthorized\n")),
            Fault::Tenant(org) => (req.header("x-scope-orgid") != Some(org.as_str()))
                .then(|| Answer::text(401, "no org id\n")),
            Fault::Always(code) => Some(Answer::text(*code, "injected failure\n")),
            Fault::Redirect(port) => {
                let prefix = format!("/__fault/{spec}");
                let rest = req.target.strip_prefix(&prefix).unwrap_or(&req.target);
                let mut a = Answer::text(302, "moved\n");
                a.headers
                    .push(("Location".into(), format!("http://127.0.0.1:{port}{rest}")));
                Some(a)
            }
            Fault::Fail {
                times,
                status,
                retry_after,
            } => (server.bump(spec) < *times).then(|| {
                let mut a = Answer::text(*status, "injected failure\n");
                if let Some(v) = retry_after {
                    a.headers.push(("Retry-After".into(), v.clone()));
                }
                a
            }),
            Fault::Html => {
                let mut a = Answer::text(200, SSO_PAGE);
                a.content_type = Some("text/html; charset=utf-8".into());
                Some(a)
            }
            Fault::GzipBomb(mib) => Some(gzip_bomb(*mib)),
            Fault::Echo => {
                let sent: Vec<String> = req
                    .headers
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                Some(Answer::text(
                    400,
                    &format!("bad request; you sent {}\n", sent.join("; ")),
                ))
            }
            Fault::Truncate | Fault::Drip(_) | Fault::Stall(_) => None,
        }
    }

    /// After the recording is found: change the recorded answer or how it is sent.
    pub(super) fn shape(&self, answer: &mut Answer) {
        match self {
            Fault::Truncate => answer.delivery = Delivery::Truncate,
            Fault::Drip(d) => answer.delivery = Delivery::Drip(*d),
            Fault::Stall(d) => answer.delivery = Delivery::Stall(*d),
            Fault::Delay(_)
            | Fault::Bearer(_)
            | Fault::Tenant(_)
            | Fault::Always(_)
            | Fault::Redirect(_)
            | Fault::Fail { .. }
            | Fault::Echo
            | Fault::GzipBomb(_)
            | Fault::Html => {}
        }
    }
}

/// `{"batches":[{"x":"AAAA…"}]}` with `mib` MiB of `A`, gzipped (about 1 KiB per MiB).
fn gzip_bomb(mib: u32) -> Answer {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"batches\":[{\"x\":\"").unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..mib {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\"}]}").unwrap();
    let mut a = Answer::text(200, "");
    a.body = gz.finish().unwrap();
    a.content_type = Some("application/json".into());
    a.headers.push(("Content-Encoding".into(), "gzip".into()));
    a
}

fn number<T: std::str::FromStr>(v: &str, key: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("fault {key}={v:?}: not a number"))
}

#[test]
fn specs_parse_in_the_order_they_apply() {
    assert_eq!(Fault::parse(""), Ok(vec![]));
    assert_eq!(
        Fault::parse("truncate,tenant=acme,bearer=t,delay=0.5"),
        Ok(vec![
            Fault::Delay(Duration::from_millis(500)),
            Fault::Bearer("t".into()),
            Fault::Tenant("acme".into()),
            Fault::Truncate,
        ])
    );
    assert_eq!(
        Fault::parse("retry_after=1,fail=1,status=429,fail=2"),
        Ok(vec![Fault::Fail {
            times: 2,
            status: 429,
            retry_after: Some("1".into())
        }])
    );
    assert!(
        Fault::parse("trunkate")
            .unwrap_err()
            .contains("\"trunkate\"")
    );
    assert!(Fault::parse("status=429").is_err(), "status without fail");
    assert!(Fault::parse("always=five").is_err());
    assert_eq!(
        Fault::parse("redirect=8080"),
        Ok(vec![Fault::Redirect(8080)])
    );
    assert_eq!(Fault::parse("gzip_bomb=2"), Ok(vec![Fault::GzipBomb(2)]));
    assert_eq!(
        Fault::parse("drip=0.25"),
        Ok(vec![Fault::Drip(Duration::from_millis(250))])
    );
}
