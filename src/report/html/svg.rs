//! The charts, drawn as inline SVG by the tool itself (no script, no library: they print and
//! show with JavaScript off). Every bar is a `rect class="bar"` with a `<title>` (what a
//! screen reader and a tooltip say) and a visible text label with its count, so the figures
//! never depend on telling colours apart.

use std::fmt::Write as _;

use super::escape::html;

/// A series of a chart: its name and its fill. The palette is Okabe and Ito's, safe for the
/// common colour-vision deficiencies; `ink` is the label colour with contrast on that fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Series {
    pub(crate) name: &'static str,
    pub(crate) fill: &'static str,
    pub(crate) ink: &'static str,
}

const BLACK: &str = "#000000";
const WHITE: &str = "#ffffff";
pub(crate) const VERMILLION: Series = Series { name: "", fill: "#D55E00", ink: BLACK };
pub(crate) const ORANGE: Series = Series { name: "", fill: "#E69F00", ink: BLACK };
pub(crate) const GREY: Series = Series { name: "", fill: "#BBBBBB", ink: BLACK };
pub(crate) const GREEN: Series = Series { name: "", fill: "#009E73", ink: BLACK };
pub(crate) const BLUE: Series = Series { name: "", fill: "#0072B2", ink: WHITE };
pub(crate) const SKY: Series = Series { name: "", fill: "#56B4E9", ink: BLACK };
pub(crate) const YELLOW: Series = Series { name: "", fill: "#F0E442", ink: BLACK };

impl Series {
    pub(crate) const fn named(self, name: &'static str) -> Series {
        Series { name, ..self }
    }
}

/// `value` of `max` as a length of at most `length` pixels; 0 when `max` is 0.
pub(crate) fn scale(value: usize, max: usize, length: f64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    // usize to f64 is exact below 2^53: every count here.
    (value as f64 / max as f64 * length).clamp(0.0, length)
}

/// A label that fits a chart's margin: at most `max` characters, an ellipsis when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 22.0;
const BAR_H: f64 = 16.0;
/// A segment narrower than this shows its count in its `<title>` and the bar's total only.
const MIN_LABELLED: f64 = 22.0;

fn legend(o: &mut String, series: &[Series], y: f64) {
    let mut x = 0.0;
    for s in series {
        let _ = write!(
            o,
            r##"<rect class="key" x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}" stroke="#333"/><text x="{:.1}" y="{:.1}">{}</text>"##,
            y,
            s.fill,
            x + 16.0,
            y + 10.5,
            html(s.name)
        );
        x += 26.0 + 7.5 * s.name.chars().count() as f64;
    }
}

/// Horizontal stacked bars: one bar per group (`groups`: name and one count per series),
/// segments in `series` order, the total at the bar's end.
pub(crate) fn stacked_bars(id: &str, title: &str, series: &[Series], groups: &[(String, Vec<usize>)]) -> String {
    let totals: Vec<usize> = groups.iter().map(|(_, c)| c.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let plot = WIDTH - LABEL_W - 50.0;
    let height = ROW_H * groups.len() as f64 + 30.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg id="{id}" class="chart" role="img" aria-labelledby="{id}-t" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}"><title id="{id}-t">{}</title>"#,
        html(title)
    );
    for (i, ((name, counts), total)) in groups.iter().zip(&totals).enumerate() {
        let y = ROW_H * i as f64;
        let _ = write!(o, r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#, LABEL_W - 6.0, y + 12.5, html(&shorten(name, 36)));
        let mut x = LABEL_W;
        for (s, &n) in series.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            let w = scale(n, max, plot).max(1.0);
            let _ = write!(
                o,
                r##"<rect class="bar" data-group="{g}" data-series="{sn}" data-value="{n}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{BAR_H}" fill="{f}" stroke="#ffffff"><title>{g}: {sn} {n}</title></rect>"##,
                g = html(name),
                sn = html(s.name),
                f = s.fill
            );
            if w >= MIN_LABELLED {
                let _ = write!(o, r#"<text class="bar-label" x="{:.1}" y="{:.1}" text-anchor="middle" fill="{}">{n}</text>"#, x + w / 2.0, y + 12.5, s.ink);
            }
            x += w;
        }
        let _ = write!(o, r#"<text class="total" x="{:.1}" y="{:.1}">{total}</text>"#, x + 4.0, y + 12.5);
    }
    legend(&mut o, series, ROW_H * groups.len() as f64 + 8.0);
    o.push_str("</svg>");
    o
}

/// Vertical stacked columns, one per bin (`bins`: label, title, one count per series), a count
/// above every column that has any; the x labels thinned out when the bins are many.
pub(crate) fn columns(id: &str, title: &str, series: &[Series], bins: &[(String, String, Vec<usize>)]) -> String {
    let totals: Vec<usize> = bins.iter().map(|(_, _, c)| c.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let plot_h = 160.0;
    let top = 18.0;
    let n = bins.len().max(1) as f64;
    // Room on the left for the first x label, rotated.
    let left = 50.0;
    let step = (WIDTH - left - 20.0) / n;
    let bar_w = (step * 0.8).max(1.0);
    // At most about 16 x labels.
    let every = bins.len().div_ceil(16).max(1);
    let height = top + plot_h + 60.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg id="{id}" class="chart" role="img" aria-labelledby="{id}-t" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}"><title id="{id}-t">{}</title>"#,
        html(title)
    );
    let base = top + plot_h;
    let _ = write!(o, r##"<line x1="{left}" y1="{base:.1}" x2="{:.1}" y2="{base:.1}" stroke="#333"/>"##, WIDTH - 20.0);
    for (i, ((label, bin_title, counts), total)) in bins.iter().zip(&totals).enumerate() {
        let x = left + step * i as f64 + (step - bar_w) / 2.0;
        let mut y = base;
        for (s, &c) in series.iter().zip(counts) {
            if c == 0 {
                continue;
            }
            let h = scale(c, max, plot_h).max(1.0);
            y -= h;
            let _ = write!(
                o,
                r##"<rect class="bar" data-group="{l}" data-series="{sn}" data-value="{c}" x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{f}" stroke="#ffffff"><title>{t}: {sn} {c}</title></rect>"##,
                l = html(label),
                t = html(bin_title),
                sn = html(s.name),
                f = s.fill
            );
        }
        if *total > 0 {
            let _ = write!(o, r#"<text class="bar-label" x="{:.1}" y="{:.1}" text-anchor="middle">{total}</text>"#, x + bar_w / 2.0, y - 4.0);
        }
        if i % every == 0 {
            let _ = write!(
                o,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end" transform="rotate(-45 {:.1} {:.1})">{}</text>"#,
                x + bar_w / 2.0,
                base + 12.0,
                x + bar_w / 2.0,
                base + 12.0,
                html(label)
            );
        }
    }
    legend(&mut o, series, height - 14.0);
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_maps_counts_onto_the_length() {
        assert_eq!(scale(0, 10, 200.0), 0.0);
        assert_eq!(scale(10, 10, 200.0), 200.0);
        assert_eq!(scale(5, 10, 200.0), 100.0);
        assert_eq!(scale(1, 3, 300.0), 100.0);
        // Nothing to scale by: no bar, no NaN.
        assert_eq!(scale(0, 0, 200.0), 0.0);
        assert_eq!(scale(7, 0, 200.0), 0.0);
        assert_eq!(scale(usize::MAX, usize::MAX, 50.0), 50.0);
    }

    #[test]
    fn stacked_bars_draw_one_labelled_rect_per_count() {
        let series = [VERMILLION.named("missing"), GREEN.named("ok")];
        let svg = stacked_bars("c", "status per scope", &series, &[("10.0.16.0".into(), vec![3, 1]), ("<b>\"x\"".into(), vec![0, 4])]);
        assert_eq!(svg.matches(r#"<rect class="bar""#).count(), 3);
        assert_eq!(svg.matches("<title>").count(), 3, "one per bar");
        // The longest bar (4) fills the plot: 720 - 230 - 50 = 440 px.
        assert!(svg.contains(r#"data-group="&lt;b&gt;&quot;x&quot;" data-series="ok" data-value="4" x="230.0" y="22.0" width="440.0""#), "{svg}");
        assert!(svg.contains(r#"data-value="3" x="230.0" y="0.0" width="330.0""#), "{svg}");
        assert!(svg.contains("<title>10.0.16.0: missing 3</title>"));
        assert!(!svg.contains("<b>"), "group names are escaped: {svg}");
        assert!(svg.contains(r#"<text class="total" x="674.0" y="34.5">4</text>"#), "{svg}");
    }

    #[test]
    fn columns_stack_and_label_each_bin() {
        let series = [VERMILLION.named("live"), SKY.named("stale")];
        let bins = vec![
            ("11-20".to_string(), "2026-11-20".to_string(), vec![2, 2]),
            ("11-21".to_string(), "2026-11-21".to_string(), vec![0, 0]),
            ("11-22".to_string(), "2026-11-22".to_string(), vec![0, 1]),
        ];
        let svg = columns("d", "per day", &series, &bins);
        assert_eq!(svg.matches(r#"<rect class="bar""#).count(), 3);
        // The tallest column (4) is the plot's full 160 px: live 80 at the bottom, stale 80 above.
        assert!(svg.contains(r#"data-value="2" x="71.7" y="98.0" width="173.3" height="80.0""#), "{svg}");
        assert!(svg.contains(r#"data-value="2" x="71.7" y="18.0" width="173.3" height="80.0""#), "{svg}");
        assert!(svg.contains("<title>2026-11-22: stale 1</title>"));
        assert_eq!(svg.matches(r#"class="bar-label""#).count(), 2, "no label over an empty day");
    }

    /// WCAG 2 contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let lum = |c: &str| {
            let ch = |i: usize| {
                let v = f64::from(u8::from_str_radix(&c[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn bar_labels_have_text_contrast_on_their_fill() {
        for s in [VERMILLION, ORANGE, GREY, GREEN, BLUE, SKY, YELLOW] {
            let c = contrast(s.ink, s.fill);
            assert!(c >= 4.5, "{} on {}: {c:.2}", s.ink, s.fill);
        }
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
