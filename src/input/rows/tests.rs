use super::*;
use crate::input::stream::{Decoder, Encoding};
use crate::input::stream::tests::FailAfter;

/// The rows' (line, first field) of `text` streamed in `block`-byte reads.
fn rows(text: &str, block: usize) -> Vec<(usize, String)> {
    let mut rows = Rows::new(Decoder::new(text.as_bytes(), Encoding::Utf8 { bom: false }, block));
    let mut row = csv::StringRecord::new();
    let mut got = Vec::new();
    while let Some((line, r)) = rows.next(&mut row).unwrap() {
        assert!(r.is_ok());
        got.push((line, row.get(0).unwrap_or("").to_string()));
    }
    got
}

#[test]
fn row_lines_survive_comments_blank_lines_crlf_and_quoted_line_breaks() {
    for nl in ["\n", "\r\n"] {
        let text = ["#TYPE x", "a,b", "", "\"1", "x\",2", "#c", "3,4", "5,\"6"].join(nl);
        let first = format!("1{nl}x");
        let want = vec![(2, "a".into()), (4, first), (7, "3".into()), (8, "5".into())];
        // Blocks of 1 to 7 bytes cut the quoted line break, the CRLFs and the comments everywhere.
        for block in (1..=7).chain([64 * 1024]) {
            assert_eq!(rows(&text, block), want, "{nl:?} in blocks of {block}");
        }
        assert_eq!(rows(&format!("\u{feff}{text}"), 2), want);
    }
}

/// A text read whole lost two leading BOMs (the reader's, then csv's own): so does a stream,
/// whatever its blocks (csv drops its BOM only when its first read holds it whole).
#[test]
fn two_leading_boms_are_dropped_in_any_block_size() {
    for block in 1..=7 {
        assert_eq!(rows("\u{feff}\u{feff}\"x\",y\n", block), vec![(1, "x".to_string())], "blocks of {block}");
        assert_eq!(rows("\u{feff}\u{feff}\u{feff}x\n", block), vec![(1, "\u{feff}x".to_string())], "blocks of {block}");
    }
}

#[test]
fn the_window_stays_small_over_a_large_text() {
    let text = format!("a,b\r\n{}", "1,\"x\r\ny\"\r\n\r\n#c\r\n".repeat(200_000));
    let mut rows = Rows::new(text.as_bytes());
    let mut row = csv::StringRecord::new();
    let mut last = 0;
    while let Some((line, _)) = rows.next(&mut row).unwrap() {
        last = line;
        assert!(rows.reader.get_ref().window.len() <= 3 * TAP_BLOCK);
    }
    assert_eq!(last, 2 + 4 * 199_999);
}

#[test]
fn a_read_error_part_way_stops_the_rows_and_is_no_problem() {
    let text = "Name,Enabled\n".to_string() + &"pc,True\n".repeat(1000);
    let mut problems = Problems::default();
    let mut seen = 0;
    let columns = |h: &Header| Ok(((), h.width()));
    let e = read_csv_rows(FailAfter(text.as_bytes(), 4000), &Arc::from("c.csv"), &mut problems, columns, |_, _, _, _| seen += 1).unwrap_err();
    assert_eq!((e.to_string(), problems.len()), ("disk gone".to_string(), 0));
    assert!(seen > 0 && seen < 1000, "{seen}");
    let e = csv_column_order(|| Ok(FailAfter(text.as_bytes(), 100)), &["x"], str::is_empty, &InputTimes::default(), &Arc::from("c.csv"), "X").unwrap_err();
    assert_eq!(e.to_string(), "disk gone");
}

#[test]
fn csv_stream_lines_from_offsets() {
    let text = "h1,h2\r\n\r\n1,\"a\r\nb\"\r\n\r\n\r\n2,c\n";
    for block in [1, 2, 5, 64 * 1024] {
        let stream = Decoder::new(text.as_bytes(), Encoding::Utf8 { bom: false }, block);
        let mut csv = CsvStream::new(csv::ReaderBuilder::new().has_headers(false).flexible(true), Tap::new(stream), 1);
        let mut rec = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while csv.read(&mut rec).unwrap().unwrap() {
            lines.push(csv.of(&rec));
        }
        assert_eq!(lines, vec![1, 3, 7], "blocks of {block}");
    }
}
