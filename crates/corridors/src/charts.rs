//! Charts as plain SVG strings: horizontal bars for breakdowns (by commodity, destination…)
//! and columns for series (voyages per week, days to inspection). Titles and labels come from
//! the caller (already translated) and are escaped here, so a chart is safe to put in a page
//! as it is. No script, no external reference.

use std::fmt::Write as _;

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `16,945,661`, `2,436.9`: digits grouped by thousands, one decimal when there is one.
pub fn group_digits(v: f64) -> String {
    let tenths = (v.abs() * 10.0).round() as u64;
    let digits = (tenths / 10).to_string();
    let mut out = String::new();
    if v < 0.0 && tenths > 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if !tenths.is_multiple_of(10) {
        let _ = write!(out, ".{}", tenths % 10);
    }
    out
}

const FONT: &str = "font-family=\"system-ui, sans-serif\" font-size=\"12\"";

/// Horizontal bars, one per item, largest value setting the scale; each bar labelled with
/// its name and its value (`label(value)`). At most `max_items` bars; the rest are summed into
/// one bar named `others`.
pub fn bars(
    title: &str,
    items: &[(String, f64)],
    max_items: usize,
    others: &str,
    label: impl Fn(f64) -> String,
) -> String {
    let mut rows: Vec<(String, f64)> = items.iter().take(max_items).cloned().collect();
    if items.len() > max_items {
        rows.push((
            others.to_string(),
            items[max_items..].iter().map(|(_, v)| v).sum(),
        ));
    }
    let (width, name_w, value_w, row_h, top) = (640.0, 190.0, 110.0, 22.0, 34.0);
    let plot_w = width - name_w - value_w - 20.0;
    let height = top + row_h * rows.len() as f64 + 10.0;
    let max = rows.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut s = String::with_capacity(256 + rows.len() * 300);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\" {FONT}><title>{t}</title>\
         <text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{t}</text>",
        t = escape(title)
    );
    for (i, (name, v)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = if max > 0.0 {
            (v / max * plot_w).max(0.0)
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<g><title>{n}: {l}</title><text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{n}</text>\
             <rect x=\"{name_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" fill=\"#2f6fae\"/>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\">{l}</text></g>",
            n = escape(name),
            l = escape(&label(*v)),
            tx = name_w - 6.0,
            ty = y + row_h * 0.68,
            bh = row_h - 6.0,
            vx = name_w + w + 6.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical columns for a series in order (weeks, days). Every `label_every`-th column is
/// named under the axis.
pub fn columns(
    title: &str,
    items: &[(String, f64)],
    label_every: usize,
    label: impl Fn(f64) -> String,
) -> String {
    let (width, height, left, bottom, top) = (640.0, 240.0, 44.0, 40.0, 34.0);
    let plot_w = width - left - 10.0;
    let plot_h = height - top - bottom;
    let n = items.len().max(1) as f64;
    let step = plot_w / n;
    let max = items.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut s = String::with_capacity(512 + items.len() * 260);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\" {FONT}><title>{t}</title>\
         <text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{t}</text>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#555\"/>\
         <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{mx}</text><text x=\"{lx}\" y=\"{base}\" text-anchor=\"end\">0</text>",
        t = escape(title),
        base = top + plot_h,
        right = width - 10.0,
        lx = left - 4.0,
        ty = top + 10.0,
        mx = escape(&label(max)),
    );
    let every = label_every.max(1);
    for (i, (name, v)) in items.iter().enumerate() {
        let h = if max > 0.0 { v / max * plot_h } else { 0.0 };
        let x = left + step * i as f64;
        let _ = write!(
            s,
            "<g><title>{n}: {l}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#2f6fae\"/></g>",
            n = escape(name),
            l = escape(&label(*v)),
            y = top + plot_h - h,
            w = (step * 0.8).max(0.5),
        );
        if i % every == 0 {
            let _ = write!(
                s,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"10\">{n}</text>",
                y = top + plot_h + 14.0,
                n = escape(name)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_largest() {
        let items = vec![
            ("Corn".to_string(), 100.0),
            ("<script>alert(1)</script>".to_string(), 50.0),
            ("Peas & beans".to_string(), 1.0),
        ];
        let svg = bars("Tonnage \"by\" commodity", &items, 2, "Others", |v| {
            format!("{} t", group_digits(v))
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("Tonnage &quot;by&quot; commodity"));
        assert!(
            svg.contains(">Others<"),
            "the third item is summed as others"
        );
        assert!(!svg.contains("Peas"));
        // The largest bar is the plot's full width (640 − 190 − 110 − 20 = 320).
        assert!(svg.contains("width=\"320.0\""));
        assert!(svg.contains("width=\"160.0\""));
        let c = columns(
            "Voyages <per> week",
            &[("W31".into(), 4.0), ("W32".into(), 0.0)],
            1,
            group_digits,
        );
        assert!(c.contains("Voyages &lt;per&gt; week") && c.matches("<rect").count() == 2);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(16_945_661.0), "16,945,661");
        assert_eq!(group_digits(2436.99), "2,437");
        assert_eq!(group_digits(2436.94), "2,436.9");
        assert_eq!(group_digits(-1234.0), "-1,234");
        assert_eq!(group_digits(999.0), "999");
        assert_eq!(group_digits(1000.0), "1,000");
    }
}
