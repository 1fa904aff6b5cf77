//! A minimal streaming JSON object writer into a reused byte buffer: the generator writes
//! hundreds of thousands of events per second, so it never builds a `serde_json::Value`.
//! String escaping is serde_json's.

/// Builds one JSON object at a time; commas and nesting are tracked here.
#[derive(Debug, Default)]
pub struct JsonLine {
    buf: Vec<u8>,
    /// One entry per open object or array: whether a member was already written.
    needs_comma: Vec<bool>,
}

impl JsonLine {
    pub fn new() -> Self {
        Self {
            buf: Vec::with_capacity(4096),
            needs_comma: Vec::with_capacity(8),
        }
    }

    /// Starts a new top-level object, discarding the previous line.
    pub fn begin(&mut self) {
        self.buf.clear();
        self.needs_comma.clear();
        self.buf.push(b'{');
        self.needs_comma.push(false);
    }

    /// Closes every open object and returns the line with its trailing newline.
    pub fn finish(&mut self) -> &[u8] {
        while self.needs_comma.pop().is_some() {
            self.buf.push(b'}');
        }
        self.buf.push(b'\n');
        &self.buf
    }

    fn separator(&mut self) {
        if let Some(last) = self.needs_comma.last_mut() {
            if *last {
                self.buf.push(b',');
            }
            *last = true;
        }
    }

    fn key(&mut self, key: &str) {
        self.separator();
        self.string(key);
        self.buf.push(b':');
    }

    fn string(&mut self, value: &str) {
        // Most values need no escaping: copy them straight; serde_json escapes the rest.
        if !value.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            self.buf.push(b'"');
            self.buf.extend_from_slice(value.as_bytes());
            self.buf.push(b'"');
            return;
        }
        // Writing into a Vec<u8> cannot fail; the fallback keeps the line valid JSON anyway.
        if serde_json::to_writer(&mut self.buf, value).is_err() {
            self.buf.extend_from_slice(b"\"\"");
        }
    }

    /// Opens a nested object under `key`.
    pub fn open(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.buf.push(b'{');
        self.needs_comma.push(false);
        self
    }

    pub fn close(&mut self) -> &mut Self {
        if self.needs_comma.len() > 1 {
            self.needs_comma.pop();
            self.buf.push(b'}');
        }
        self
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        self.string(value);
        self
    }

    pub fn num(&mut self, key: &str, value: i64) -> &mut Self {
        self.key(key);
        let mut digits = itoa_buf(value);
        self.buf.append(&mut digits);
        self
    }

    pub fn strs(&mut self, key: &str, values: &[&str]) -> &mut Self {
        self.key(key);
        self.buf.push(b'[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.string(v);
        }
        self.buf.push(b']');
        self
    }

    pub fn string_list(&mut self, key: &str, values: &[String]) -> &mut Self {
        self.key(key);
        self.buf.push(b'[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.string(v);
        }
        self.buf.push(b']');
        self
    }
}

fn itoa_buf(value: i64) -> Vec<u8> {
    value.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_objects_arrays_and_escapes_make_valid_json() {
        let mut j = JsonLine::new();
        j.begin();
        j.str("@timestamp", "t")
            .open("process")
            .str("command_line", "C:\\x \"q\"")
            .num("pid", 42);
        j.strs("args", &["a", "b\\c"])
            .open("parent")
            .str("name", "cmd.exe")
            .close()
            .close();
        j.open("empty").close();
        j.string_list("tags", &["x".to_string()]);
        j.str("ctl", "a\r\n\t\u{1}b").str("mixed", "\\\"\\");
        let line = String::from_utf8(j.finish().to_vec()).unwrap();
        assert!(line.ends_with('\n'));
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(v["process"]["command_line"], "C:\\x \"q\"");
        assert_eq!(v["process"]["parent"]["name"], "cmd.exe");
        assert_eq!(v["process"]["args"][1], "b\\c");
        assert_eq!(v["process"]["pid"], 42);
        assert!(v["empty"].as_object().unwrap().is_empty());
        assert_eq!(v["ctl"], "a\r\n\t\u{1}b");
        assert_eq!(v["mixed"], "\\\"\\");
        // A second line starts from scratch.
        j.begin();
        j.str("a", "b");
        assert_eq!(j.finish(), b"{\"a\":\"b\"}\n");
    }
}
