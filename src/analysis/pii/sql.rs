//! Literal values in SQL statements (`db.statement`, `db.query.text`): a small lexer, not a
//! parser. It knows quotes, quoted identifiers, comments, numbers and placeholders, and which
//! keywords start a filter (`WHERE`, `VALUES`, `SET`, `HAVING`, `ON`).

/// A statement that carries literals, sanitised (every literal replaced by `?`, comments
/// dropped, whitespace collapsed, at most 200 characters).
#[derive(Clone, Debug, PartialEq)]
pub struct SqlLiterals {
    pub sanitized: String,
    /// Literals in filter or value positions.
    pub count: usize,
}

const MAX_SHOWN: usize = 200;

/// `None` when the statement has no string literal and no long (6+ digit) number in a filter or
/// value position: constants like `deleted = 0` alone are not reported.
pub fn literals(stmt: &str) -> Option<SqlLiterals> {
    let b = stmt.as_bytes();
    // Most statements are parameterised: no quote and no 6-digit run means nothing to report.
    let mut run = 0;
    let long_number = b.iter().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run >= 6
    });
    if !long_number && !b.contains(&b'\'') {
        return None;
    }
    let mut out = String::with_capacity(stmt.len().min(MAX_SHOWN + 8));
    let mut i = 0;
    let mut in_filter = false;
    let mut count = 0;
    let mut prev_space = false;
    let push = |out: &mut String, s: &str| {
        if out.len() < MAX_SHOWN + 4 {
            out.push_str(s);
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'\'' => {
                let end = skip_quoted(b, i, b'\'');
                if in_filter {
                    count += 1;
                }
                push(&mut out, "?");
                i = end;
                prev_space = false;
                continue;
            }
            b'"' | b'`' => {
                let end = skip_quoted(b, i, c);
                push(&mut out, stmt.get(i..end).unwrap_or(""));
                i = end;
                prev_space = false;
                continue;
            }
            b'-' if next == Some(b'-') => {
                i = stmt[i..].find('\n').map_or(b.len(), |e| i + e);
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = stmt[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'0'..=b'9' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                let digits = b[start..i].iter().filter(|x| x.is_ascii_digit()).count();
                if in_filter && digits >= 6 {
                    count += 1;
                }
                push(&mut out, "?");
                prev_space = false;
                continue;
            }
            x if x.is_ascii_alphabetic() || x == b'_' || x >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                // `i` stops on an ASCII byte or the end, so the range is on char boundaries.
                let word = stmt.get(start..i).unwrap_or("");
                match word.to_ascii_uppercase().as_str() {
                    "WHERE" | "VALUES" | "SET" | "HAVING" | "ON" => in_filter = true,
                    "FROM" | "JOIN" | "ORDER" | "GROUP" | "LIMIT" | "OFFSET" | "RETURNING"
                    | "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "INTO" | "UNION" => {
                        in_filter = false
                    }
                    _ => {}
                }
                push(&mut out, word);
                prev_space = false;
                continue;
            }
            x if x.is_ascii_whitespace() => {
                if !prev_space && !out.is_empty() {
                    push(&mut out, " ");
                }
                prev_space = true;
                i += 1;
                continue;
            }
            _ => {
                let ch_len = stmt[i..].chars().next().map_or(1, char::len_utf8);
                push(&mut out, stmt.get(i..i + ch_len).unwrap_or(""));
                prev_space = false;
                i += ch_len;
            }
        }
    }
    if count == 0 {
        return None;
    }
    let mut sanitized = out.trim_end().to_string();
    if sanitized.len() > MAX_SHOWN {
        let mut cut = MAX_SHOWN;
        while !sanitized.is_char_boundary(cut) {
            cut -= 1;
        }
        sanitized.truncate(cut);
        sanitized.push('…');
    }
    Some(SqlLiterals { sanitized, count })
}

/// The index after a quoted section starting at `start` (a doubled quote is an escaped quote).
fn skip_quoted(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\\' && q == b'\'' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_sanitises_literals() {
        let s = literals("SELECT * FROM users WHERE email = 'jane.doe@acme-corp.com' AND age > 30")
            .unwrap();
        assert_eq!(
            s.sanitized,
            "SELECT * FROM users WHERE email = ? AND age > ?"
        );
        assert_eq!(s.count, 1);
        assert!(!s.sanitized.contains("jane"));
        let s = literals("INSERT INTO t (a, b) VALUES ('O''Brien', 1234567)").unwrap();
        assert_eq!(s.sanitized, "INSERT INTO t (a, b) VALUES (?, ?)");
        assert_eq!(s.count, 2);
        // Parameters, constants and LIMIT numbers are fine.
        assert_eq!(
            literals("SELECT * FROM users WHERE id = $1 AND deleted = 0 LIMIT 10"),
            None
        );
        assert_eq!(literals("SELECT name FROM \"Users\" WHERE id = ?"), None);
        // Literals in comments are dropped, not counted.
        assert_eq!(literals("SELECT 1 -- WHERE x = 'secret'\nFROM t"), None);
        // Unterminated quote: no panic.
        assert!(literals("SELECT * FROM t WHERE a = 'abc").is_some());
        assert!(literals("WHERE x = 'é' AND y = ?").is_some());
    }
}
