//! The `-gcflags=-json=0,DIR` files of the Go compiler: a header line
//! (`{"version":0,"package":…,"file":"/abs/x.go"}`) then one LSP-style
//! diagnostic per line: `range.start` (line and column, from 1 as `-m`
//! prints them), `code` (`escape`, `escapes` for a variable moved to the
//! heap, `leak`, `canInlineFunction`, `cannotInlineFunction`, …),
//! `message`, and `relatedInformation` whose `escflow:` messages are the
//! `-m=2` flow. Read with a small JSON reader of its own (no dependency).

use super::{Diag, Diagnostics, EscapeError, Kind};

/// Whether `line` is a `-json=0` header.
pub fn is_header(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("{\"version\":") && l.contains("\"gc_version\"")
}

/// Reads a `-json=0` file.
pub fn parse(text: &str) -> Result<Diagnostics, EscapeError> {
    let mut out = Diagnostics::default();
    let mut path = String::new();
    for (i, line) in text.lines().enumerate() {
        out.lines += 1;
        let Some(v) = Json::parse(line) else {
            out.ignored_lines += 1;
            continue;
        };
        if i == 0 {
            path = v
                .get("file")
                .and_then(Json::str)
                .unwrap_or_default()
                .to_string();
            continue;
        }
        match diag(&v, &path) {
            Some(d) => out.diags.push(d),
            None => out.ignored_lines += 1,
        }
    }
    if out.diags.is_empty() {
        return Err(EscapeError::NoDiagnostics { lines: out.lines });
    }
    Ok(out)
}

fn diag(v: &Json, path: &str) -> Option<Diag> {
    let start = v.get("range")?.get("start")?;
    let line = u32::try_from(start.get("line")?.int()?).ok()?;
    let col = u32::try_from(start.get("character")?.int()?).ok()?;
    let code = v.get("code")?.str()?;
    let raw = v.get("message").and_then(Json::str).unwrap_or_default();
    let (kind, message) = match code {
        // With -trimpath the compiler leaves most of these empty. The JSON
        // has no `moved to heap`: a moved variable is `x escapes to heap`.
        "escape" | "escapes" if raw.is_empty() => (Kind::Escapes, "escapes to heap".to_string()),
        "escape" | "escapes" => (Kind::of(raw), raw.to_string()),
        "leak" => (Kind::Leaking, raw.to_string()),
        "canInlineFunction" => (Kind::CanInline, format!("can inline ({raw})")),
        "cannotInlineFunction" => (Kind::CannotInline, format!("cannot inline: {raw}")),
        "inlineCall" => (Kind::Inlined, format!("inlining call to {raw}")),
        other if raw.is_empty() => (Kind::Other, other.to_string()),
        _ => (Kind::Other, raw.to_string()),
    };
    let flow = match v.get("relatedInformation") {
        Some(Json::Arr(items)) => items
            .iter()
            .filter_map(|r| r.get("message")?.str()?.strip_prefix("escflow:"))
            .map(|m| m.trim().to_string())
            .collect(),
        _ => Vec::new(),
    };
    Some(Diag {
        path: path.to_string(),
        line,
        col,
        kind,
        cost: super::cost(&message),
        message,
        flow,
    })
}

/// A JSON value (numbers kept as their text).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn parse(text: &str) -> Option<Json> {
        let mut r = Reader {
            b: text.as_bytes(),
            i: 0,
        };
        let v = r.value(0)?;
        r.ws();
        (r.i == r.b.len()).then_some(v)
    }

    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(kv) => kv.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Json::Num(n) => n.parse().ok(),
            _ => None,
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        let hit = self.b.get(self.i) == Some(&c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > 64 {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut kv = Vec::new();
                if self.eat(b'}') {
                    return Some(Json::Obj(kv));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    kv.push((k, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Json::Obj(kv));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Json::Arr(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.word(b"true", Json::Bool(true)),
            b'f' => self.word(b"false", Json::Bool(false)),
            b'n' => self.word(b"null", Json::Null),
            _ => {
                let start = self.i;
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(c))
                {
                    self.i += 1;
                }
                let n = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                (!n.is_empty()).then(|| Json::Num(n.to_string()))
            }
        }
    }

    fn word(&mut self, w: &[u8], v: Json) -> Option<Json> {
        self.b[self.i..].starts_with(w).then(|| {
            self.i += w.len();
            v
        })
    }

    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
                            self.i += 4;
                            let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)
                                .unwrap_or(char::REPLACEMENT_CHARACTER);
                            let mut buf = [0; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_compilers_json() {
        let text = r#"{"version":0,"package":"p","goos":"linux","goarch":"amd64","gc_version":"go1.19.8","file":"/src/p/a.go"}
{"range":{"start":{"line":86,"character":23},"end":{"line":86,"character":23}},"severity":3,"code":"escape","source":"go compiler","message":"\u0026T{...} escapes to heap","relatedInformation":[{"location":{"uri":"file:///x.go","range":{"start":{"line":1,"character":1},"end":{"line":1,"character":1}}},"message":"inlineLoc"},{"location":{"uri":"file:///src/p/a.go","range":{"start":{"line":86,"character":23},"end":{"line":86,"character":23}}},"message":"escflow:    flow: ~R0 = \u0026{storage}:"}]}
{"range":{"start":{"line":173,"character":6},"end":{"line":173,"character":6}},"severity":3,"code":"escapes","source":"go compiler","message":"buf escapes to heap"}
{"range":{"start":{"line":104,"character":6},"end":{"line":104,"character":6}},"severity":3,"code":"cannotInlineFunction","source":"go compiler","message":"function too complex: cost 131 exceeds budget 80"}
not json
"#;
        let d = parse(text).expect("parse");
        assert_eq!(d.ignored_lines, 1);
        assert_eq!(d.diags.len(), 3);
        let e = &d.diags[0];
        assert_eq!(
            (e.path.as_str(), e.line, e.col, e.kind),
            ("/src/p/a.go", 86, 23, Kind::Escapes)
        );
        assert_eq!(e.message, "&T{...} escapes to heap");
        assert_eq!(e.flow, ["flow: ~R0 = &{storage}:"]);
        assert_eq!(
            (d.diags[1].kind, d.diags[1].message.as_str()),
            (Kind::Escapes, "buf escapes to heap")
        );
        assert_eq!(
            (d.diags[2].kind, d.diags[2].cost),
            (Kind::CannotInline, Some(131))
        );
        assert!(Json::parse("{\"a\":[1,{\"b\":null}],\"c\":true}").is_some());
        assert!(Json::parse("{\"a\":").is_none());
        assert!(Json::parse(&"[".repeat(100)).is_none());
    }
}
