//! The investigation as one self-contained HTML page: styles inline, the
//! pivot graph as inline SVG laid out here (seed in the middle, clusters
//! around it, their domains around them), no script, nothing fetched
//! from anywhere.

use std::f64::consts::TAU;
use std::fmt::Write as _;

use nshunt_analyze::investigate::{Cluster, EntityRef, Investigation};

use crate::output::{counted, name_cell};
use crate::time::format_moment;

/// The graph's size in pixels.
const SIZE: f64 = 900.0;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}\
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f2f2f2}\
td.num{text-align:right}.risky{color:#b00;font-weight:bold}\
svg{border:1px solid #ddd;background:#fcfcfc}code{background:#f4f4f4;padding:0 3px}";

/// The whole page.
pub fn report(f: &Investigation, as_of: i64) -> String {
    let mut page = String::new();
    let title = format!("nshunt investigation: {}", escape(&f.seed.domain));
    let _ = writeln!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n\
         <p>As of {} · risk {:.1} · {} · {} and the seed in {}</p>\n",
        escape(&format_moment(as_of)),
        f.seed.risk,
        f.seed.state,
        counted(f.related.saturating_sub(1) as u64, "related domain"),
        counted(f.clusters.len() as u64, "cluster")
    );
    page.push_str(&graph(f));
    page.push_str(&seed_table(f));
    for cluster in &f.clusters {
        page.push_str(&cluster_section(cluster));
    }
    page.push_str("</body></html>\n");
    page
}

/// The pivot graph.
fn graph(f: &Investigation) -> String {
    let center = SIZE / 2.0;
    let mut svg = format!(
        "<h2>Pivot graph</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" \
         height=\"{SIZE}\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\" \
         aria-label=\"seed, clusters and their domains\">\n"
    );
    let count = f.clusters.len().max(1) as f64;
    for (i, cluster) in f.clusters.iter().enumerate() {
        let angle = TAU * i as f64 / count;
        let (cx, cy) = (center + 280.0 * angle.cos(), center + 280.0 * angle.sin());
        let via = match link(f, cluster) {
            Some(e) => format!("via {} {}", e.kind.as_str(), e.value),
            None => "via other related domains".to_owned(),
        };
        let _ = writeln!(
            svg,
            "<line x1=\"{center:.1}\" y1=\"{center:.1}\" x2=\"{cx:.1}\" y2=\"{cy:.1}\" \
             stroke=\"#999\"><title>{}</title></line>\n",
            escape(&via)
        );
        members(&mut svg, cluster, (cx, cy), angle + TAU / 2.0);
        let _ = writeln!(
            svg,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"18\" fill=\"#4a78c2\"><title>cluster {} \
             ({} domains)</title></circle><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
             font-size=\"12\" fill=\"#fff\">{}</text>\n",
            cluster.id,
            cluster.members.len(),
            cy + 4.0,
            cluster.id
        );
    }
    let _ = writeln!(
        svg,
        "<circle cx=\"{center}\" cy=\"{center}\" r=\"24\" fill=\"#c0392b\"><title>{}</title>\
         </circle><text x=\"{center}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n</svg>\n",
        escape(&f.seed.domain),
        center + 42.0,
        escape(&f.seed.domain)
    );
    svg
}

/// What joins the seed to a cluster: the rarest value all its domains
/// share that the seed's search followed. The cluster's rarest value
/// may be one the seed lacks (the other group's /24); a theme joins
/// nothing, it is never followed.
fn link<'f>(f: &Investigation, cluster: &'f Cluster) -> Option<&'f EntityRef> {
    cluster.commonalities.iter().find(|c| {
        f.seed_entities
            .iter()
            .any(|s| s.followed && s.entity.kind == c.kind && s.entity.value == c.value)
    })
}

/// A cluster's domains on a small circle around its centre, offset half
/// a step from the direction of the seed (`toward`, radians): a domain
/// drawn there would sit on the seed's edge and read as its end.
fn members(svg: &mut String, cluster: &Cluster, (cx, cy): (f64, f64), toward: f64) {
    let n = cluster.members.len().max(1) as f64;
    for (j, m) in cluster.members.iter().enumerate() {
        let a = toward + TAU * (j as f64 + 0.5) / n;
        let (x, y) = (cx + 70.0 * a.cos(), cy + 70.0 * a.sin());
        let color = if m.risk >= 50.0 { "#c0392b" } else { "#7f8c8d" };
        let _ = writeln!(
            svg,
            "<line x1=\"{cx:.1}\" y1=\"{cy:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{color}\"><title>{} (risk {:.1}, \
             {})</title></circle>\n",
            escape(&name_cell(&m.domain)),
            m.risk,
            m.state
        );
    }
}

fn seed_table(f: &Investigation) -> String {
    let mut html = String::from(
        "<h2>Seed infrastructure</h2>\n<table><tr><th>kind</th><th>value</th><th>domains</th>\
         <th>score</th><th>followed</th></tr>\n",
    );
    for seed in &f.seed_entities {
        let e = &seed.entity;
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.1}</td><td>{}</td></tr>\n",
            e.kind.as_str(),
            escape(&e.value),
            e.domains,
            e.score,
            escape(&super::followed(seed.reason, &f.options))
        );
    }
    html.push_str("</table>\n");
    html
}

fn cluster_section(c: &Cluster) -> String {
    let label = super::commonality_label(c);
    let label = label[..1].to_uppercase() + &label[1..];
    let mut html = format!(
        "<h2>Cluster {} ({})</h2>\n<p>{label}: ",
        c.id,
        counted(c.members.len() as u64, "domain")
    );
    let common: Vec<String> = c
        .commonalities
        .iter()
        .map(|e| {
            let domains = counted(e.domains, "domain");
            format!("{} <code>{}</code> ({domains})", e.kind.as_str(), escape(&e.value))
        })
        .collect();
    html.push_str(&if common.is_empty() { "-".into() } else { common.join("; ") });
    if !c.targets.is_empty() {
        let targets: Vec<String> = c.targets.iter().map(|t| escape(t)).collect();
        let _ = write!(html, "<br>Targets: {}", targets.join(", "));
    }
    html.push_str(
        "</p>\n<table><tr><th>domain</th><th>A</th><th>PTR</th><th>AS</th><th>target</th>\
         <th>registrar</th><th>first seen</th><th>risk</th><th>state</th></tr>\n",
    );
    for m in &c.members {
        let class = if m.risk >= 50.0 { " class=\"num risky\"" } else { " class=\"num\"" };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td{class}>{:.1}</td><td>{}</td></tr>\n",
            escape(&name_cell(&m.domain)),
            escape(&m.addresses.join(" ")),
            escape(&m.ptr.join(" ")),
            escape(&m.asn.join(" ")),
            escape(m.target.as_deref().unwrap_or("-")),
            escape(m.registrar.as_deref().unwrap_or("-")),
            m.first_seen.map_or_else(|| "-".into(), format_moment),
            m.risk,
            m.state
        );
    }
    html.push_str("</table>\n");
    html
}

/// Text made safe for HTML element content and attribute values.
/// `text` as HTML text or attribute value. Control and bidirectional
/// formatting characters from input files are shown as escapes, not
/// obeyed (a right-to-left override would reverse what follows).
fn escape(text: &str) -> String {
    let text = crate::output::sanitize(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(escape("Org\u{202e}moc.\n"), "Org\\u202emoc.\\n");
    }
}
