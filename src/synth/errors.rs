//! What failures look like: exception types and messages per language, stack traces in each
//! language's own format, and HTTP reason phrases.

use super::topology::Lang;

/// Where a failure started, as seen by the span that reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A query failed (timeout, deadlock).
    Db,
    /// The cache did not answer.
    Cache,
    /// A bug in the handler or operation itself.
    Handler,
    /// A called service answered with this 5xx status.
    Upstream(u16),
    /// The message broker did not take the message.
    Messaging,
    /// The call never reached the callee.
    Connect,
}

pub fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Exception type and message for a cause in a language; `variant` picks among alternatives.
pub fn exception(lang: Lang, cause: Cause, variant: u8) -> (&'static str, String) {
    let v = variant % 2 == 1;
    let s = |t: &'static str, m: &str| (t, m.to_string());
    match (cause, lang) {
        (Cause::Db, Lang::Python) if v => {
            s("psycopg2.errors.DeadlockDetected", "deadlock detected")
        }
        (Cause::Db, Lang::Python) => s(
            "psycopg2.errors.QueryCanceled",
            "canceling statement due to statement timeout",
        ),
        (Cause::Db, Lang::Go) if v => s("*pq.Error", "pq: deadlock detected"),
        (Cause::Db, Lang::Go) => s(
            "*pq.Error",
            "pq: canceling statement due to statement timeout",
        ),
        (Cause::Db, Lang::Java) if v => s(
            "org.postgresql.util.PSQLException",
            "ERROR: deadlock detected",
        ),
        (Cause::Db, Lang::Java) => s(
            "org.postgresql.util.PSQLException",
            "ERROR: canceling statement due to statement timeout",
        ),
        (Cause::Db, Lang::Node) => s(
            "error",
            if v {
                "deadlock detected"
            } else {
                "canceling statement due to statement timeout"
            },
        ),
        (Cause::Cache, Lang::Python) => s(
            "redis.exceptions.TimeoutError",
            "Timeout reading from socket",
        ),
        (Cause::Cache, Lang::Go) => s(
            "*net.OpError",
            "read tcp 10.42.0.9:51234->10.43.0.12:6379: i/o timeout",
        ),
        (Cause::Cache, Lang::Java) => s(
            "io.lettuce.core.RedisCommandTimeoutException",
            "Command timed out after 1 second(s)",
        ),
        (Cause::Cache, Lang::Node) => s("Error", "Command timed out"),
        (Cause::Handler, Lang::Python) if v => s("ValueError", "invalid quantity: 0"),
        (Cause::Handler, Lang::Python) => s("KeyError", "'price_cents'"),
        (Cause::Handler, Lang::Go) if v => s(
            "*errors.errorString",
            "order total does not match cart total",
        ),
        (Cause::Handler, Lang::Go) => s(
            "runtime.Error",
            "runtime error: invalid memory address or nil pointer dereference",
        ),
        (Cause::Handler, Lang::Java) if v => s(
            "java.lang.IllegalStateException",
            "Product is not available in this region",
        ),
        (Cause::Handler, Lang::Java) => s(
            "java.lang.NullPointerException",
            "Cannot invoke \"com.example.shop.Price.amount()\" because \"price\" is null",
        ),
        (Cause::Handler, Lang::Node) => s(
            "TypeError",
            "Cannot read properties of undefined (reading 'price')",
        ),
        (Cause::Upstream(c), Lang::Python) => (
            "requests.exceptions.HTTPError",
            format!("{c} Server Error: {}", reason(c)),
        ),
        (Cause::Upstream(c), Lang::Go) => (
            "*fmt.wrapError",
            format!("upstream returned {c} {}", reason(c)),
        ),
        (Cause::Upstream(c), Lang::Java) => (
            "org.springframework.web.client.HttpServerErrorException",
            format!("{c} {}", reason(c)),
        ),
        (Cause::Upstream(c), Lang::Node) => {
            ("AxiosError", format!("Request failed with status code {c}"))
        }
        (Cause::Messaging, Lang::Python) => s(
            "kafka.errors.KafkaTimeoutError",
            "Failed to update metadata after 60.0 secs.",
        ),
        (Cause::Messaging, Lang::Go) => s(
            "*errors.errorString",
            "kafka: client has run out of available brokers to talk to",
        ),
        (Cause::Messaging, Lang::Java) => s(
            "org.apache.kafka.common.errors.TimeoutException",
            "Topic orders not present in metadata after 60000 ms.",
        ),
        (Cause::Messaging, Lang::Node) => s("KafkaJSConnectionError", "Connection timeout"),
        (Cause::Connect, Lang::Python) => s(
            "requests.exceptions.ConnectTimeout",
            "Connection to upstream timed out. (connect timeout=2)",
        ),
        (Cause::Connect, Lang::Go) => s(
            "*url.Error",
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        ),
        (Cause::Connect, Lang::Java) => s(
            "java.net.http.HttpConnectTimeoutException",
            "HTTP connect timed out",
        ),
        (Cause::Connect, Lang::Node) => s("Error", "connect ETIMEDOUT"),
    }
}

/// `snake_case` to `camelCase` (for Java method names).
fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '_' || c == '-' || c == '.' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// A stack trace in the language's own layout. `func` is a snake_case function name; `line`
/// varies the line numbers; `consumer` is true in a message consumer (no HTTP framework frames).
pub fn stacktrace(
    lang: Lang,
    service: &str,
    func: &str,
    ty: &str,
    message: &str,
    line: u32,
    consumer: bool,
) -> String {
    match lang {
        Lang::Python => {
            let outer = if consumer {
                format!("  File \"/app/{service}/main.py\", line 58, in run\n    handle(message)\n")
            } else {
                "  File \"/usr/local/lib/python3.12/site-packages/flask/app.py\", line 917, in full_dispatch_request\n    rv = self.dispatch_request()\n".to_string()
            };
            format!(
                "Traceback (most recent call last):\n{outer}  File \"/app/{service}/handlers.py\", line {line}, in {func}\n    result = {func}_impl(request)\n  File \"/app/{service}/service.py\", line {}, in {func}_impl\n    raise_for(result)\n{ty}: {message}\n",
                line / 2 + 11
            )
        }
        Lang::Java => {
            let class = capitalized(&camel(service)) + "Controller";
            format!(
                "{ty}: {message}\n\tat com.example.shop.{service}.{class}.{}({class}.java:{line})\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)\n\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)\n",
                camel(func)
            )
        }
        Lang::Go => format!(
            "goroutine {} [running]:\nmain.(*server).{}(0xc0001a4000, {{0x9b3c40, 0xc0002b6000}}, 0xc0002c4000)\n\t/src/{service}/handlers.go:{line} +0x{:x}\nnet/http.HandlerFunc.ServeHTTP(0xc000124080?, {{0x9b3c40?, 0xc0002b6000?}}, 0x0?)\n\t/usr/local/go/src/net/http/server.go:2220 +0x29\nnet/http.serverHandler.ServeHTTP({{0xc0001b2000?}}, {{0x9b3c40?, 0xc0002b6000?}}, 0x6?)\n\t/usr/local/go/src/net/http/server.go:3210 +0x8e\n",
            line + 20,
            capitalized(&camel(func)),
            line * 7 + 0x41
        ),
        Lang::Node => format!(
            "{ty}: {message}\n    at {} (/app/{service}/src/handlers.js:{line}:{})\n    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)\n    at next (/app/node_modules/express/lib/router/route.js:149:13)\n    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)\n",
            camel(func),
            line % 40 + 5
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_traces() {
        assert_eq!(camel("handle_request"), "handleRequest");
        assert_eq!(capitalized("cart"), "Cart");
        let (t, m) = exception(Lang::Python, Cause::Upstream(503), 0);
        assert_eq!(t, "requests.exceptions.HTTPError");
        assert_eq!(m, "503 Server Error: Service Unavailable");
        let st = stacktrace(Lang::Python, "cart", "get_cart", t, &m, 40, false);
        assert!(st.starts_with("Traceback (most recent call last):\n"));
        assert!(
            st.ends_with("requests.exceptions.HTTPError: 503 Server Error: Service Unavailable\n")
        );
        assert!(st.contains("flask"));
        let st = stacktrace(
            Lang::Python,
            "worker",
            "process_message",
            "KeyError",
            "'x'",
            40,
            true,
        );
        assert!(!st.contains("flask") && st.contains("/app/worker/main.py"));
        let st = stacktrace(
            Lang::Java,
            "catalog",
            "get_product",
            "java.lang.X",
            "boom",
            12,
            false,
        );
        assert!(st.contains(
            "at com.example.shop.catalog.CatalogController.getProduct(CatalogController.java:12)"
        ));
        assert!(
            stacktrace(Lang::Go, "payment", "charge", "e", "m", 1, false)
                .starts_with("goroutine 21 [running]:")
        );
        assert!(
            stacktrace(Lang::Node, "frontend", "render", "TypeError", "x", 3, false)
                .starts_with("TypeError: x\n    at render")
        );
    }
}
