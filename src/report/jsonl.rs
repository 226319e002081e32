//! `--format jsonl`: the report as JSON Lines (docs/report.md "The report", "JSON Lines"), one object
//! per row with the column names as keys in column order, the list columns as arrays of
//! strings, an empty cell as `null`, every other value the CSV's text (times RFC 3339). No
//! formula escaping: it is not a spreadsheet. LF line ends.

use std::io::Write;

use super::row::{Cell, Row, Sink};

/// Writes one object per row to `w` (given to its `row`), lists as arrays from the typed cells.
pub(crate) struct JsonlWriter<W: Write> {
    w: W,
    /// The keys, quoted once.
    keys: Vec<String>,
    line: Vec<u8>,
    text: String,
    rows: usize,
}

impl<W: Write> JsonlWriter<W> {
    pub(crate) fn new(w: W, columns: &[&str]) -> JsonlWriter<W> {
        JsonlWriter { w, keys: columns.iter().map(|c| quote(c)).collect(), line: Vec::with_capacity(1024), text: String::with_capacity(256), rows: 0 }
    }

    /// Flushes; the number of rows written.
    pub(crate) fn finish(mut self) -> std::io::Result<usize> {
        self.w.flush()?;
        Ok(self.rows)
    }
}

impl<'a, W: Write> Sink<'a> for JsonlWriter<W> {
    fn row(&mut self, _: &Row<'a>, cells: &[Cell<'_>]) -> std::io::Result<()> {
        self.object(cells)
    }
}

impl<W: Write> JsonlWriter<W> {
    /// Writes one row's cells as an object, a line of its own.
    fn object(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()> {
        let line = &mut self.line;
        line.clear();
        line.push(b'{');
        for (i, (key, cell)) in self.keys.iter().zip(cells).enumerate() {
            if i > 0 {
                line.push(b',');
            }
            line.extend_from_slice(key.as_bytes());
            line.push(b':');
            if cell.is_empty() {
                line.extend_from_slice(b"null");
            } else if let Some(items) = cell.items() {
                line.push(b'[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        line.push(b',');
                    }
                    serde_json::to_writer(&mut *line, item).map_err(std::io::Error::other)?;
                }
                line.push(b']');
            } else {
                self.text.clear();
                cell.write_text(&mut self.text);
                serde_json::to_writer(&mut *line, &self.text).map_err(std::io::Error::other)?;
            }
        }
        line.extend_from_slice(b"}\n");
        self.w.write_all(line)?;
        self.rows += 1;
        Ok(())
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// One line of a JSON Lines report back as cells in `columns` order (arrays joined with `;`,
/// `null` as empty), for reading a previous report. `Err` says what is wrong with the line;
/// `Ok(None)` when its keys are not exactly `columns`.
pub(crate) fn read_line(line: &str, columns: &[&str]) -> Result<Option<Vec<String>>, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let serde_json::Value::Object(map) = value else { return Err("not a JSON object".to_string()) };
    if map.len() != columns.len() || !columns.iter().all(|c| map.contains_key(*c)) {
        return Ok(None);
    }
    let text = |v: &serde_json::Value| -> Result<String, String> {
        match v {
            serde_json::Value::Null => Ok(String::new()),
            serde_json::Value::String(s) => Ok(s.clone()),
            serde_json::Value::Bool(b) => Ok(b.to_string()),
            serde_json::Value::Number(n) => Ok(n.to_string()),
            _ => Err("a value is neither text, a list of text nor null".to_string()),
        }
    };
    let mut cells = Vec::with_capacity(columns.len());
    for c in columns {
        cells.push(match map.get(*c) {
            Some(serde_json::Value::Array(items)) => items.iter().map(text).collect::<Result<Vec<_>, _>>()?.join(";"),
            Some(v) => text(v)?,
            None => String::new(),
        });
    }
    Ok(Some(cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nulls_and_no_formula_escaping() {
        use std::borrow::Cow::Borrowed;
        let mut out = Vec::new();
        let mut w = JsonlWriter::new(&mut out, &["status", "hostname", "a_records", "dhcp_dns_setting"]);
        w.object(&[Cell::Text(Borrowed("missing")), Cell::Text(Borrowed("=cmd|' /C calc'!A0")), Cell::List(vec![Borrowed("10.0.16.21"), Borrowed("2001:db8::1")]), Cell::List(Vec::new())]).unwrap();
        w.object(&[Cell::Text(Borrowed("ok")), Cell::Text(Borrowed("a\"b\\c")), Cell::Time(None), Cell::Words("send-updates=true")]).unwrap();
        assert_eq!(w.finish().unwrap(), 2);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"status\":\"missing\",\"hostname\":\"=cmd|' /C calc'!A0\",\"a_records\":[\"10.0.16.21\",\"2001:db8::1\"],\"dhcp_dns_setting\":null}\n\
             {\"status\":\"ok\",\"hostname\":\"a\\\"b\\\\c\",\"a_records\":null,\"dhcp_dns_setting\":[\"send-updates=true\"]}\n"
        );
    }

    #[test]
    fn lines_read_back_as_cells() {
        let cols = ["status", "a_records", "fqdn"];
        assert_eq!(
            read_line("{\"fqdn\":\"=x\",\"status\":\"stale\",\"a_records\":[\"10.0.0.1\",\"10.0.0.2\"]}", &cols),
            Ok(Some(vec!["stale".to_string(), "10.0.0.1;10.0.0.2".to_string(), "=x".to_string()]))
        );
        assert_eq!(read_line("{\"status\":\"ok\",\"a_records\":null}", &cols), Ok(None));
        assert_eq!(read_line("[1]", &cols), Err("not a JSON object".to_string()));
        assert!(read_line("{", &cols).unwrap_err().starts_with("not JSON"));
    }
}
