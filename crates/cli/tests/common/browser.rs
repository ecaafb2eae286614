//! Opening a page in a real browser, for what only rendering shows: how
//! the HTML parser built the document, what the page asked the network
//! for, and whether anything was drawn.
//!
//! The browser is headless Chromium from Debian (installed by
//! `scripts/install-deps.sh`), run with its network blocked: every host
//! resolves to nothing and every request goes to a proxy on loopback
//! port 9, where nothing listens. Its net log still records each
//! request the page made, which is what the tests look at.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The browsers tried, in order: the headless shell, packaged apart
/// from the full browser and its desktop dependencies, then the latter.
const BROWSERS: [&str; 2] = ["chromium-headless-shell", "chromium"];

/// How long one page may take before the browser is killed.
const DEADLINE: Duration = Duration::from_secs(60);

/// The viewport, in CSS pixels.
const WINDOW: (u32, u32) = (1000, 1200);

/// The browser on `PATH`; a test without one fails and says how to get
/// one, as one without NSD does.
pub fn browser() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    BROWSERS
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "no headless browser ({}) on PATH: run scripts/install-deps.sh",
                BROWSERS.join(" or ")
            )
        })
}

/// A page as the browser saw it.
pub struct Rendered {
    /// The document after loading, serialised.
    pub dom: String,
    /// Every URL the browser's network stack was asked for, in both
    /// runs (the DOM's and the screenshot's).
    pub requests: Vec<String>,
    /// The viewport's screenshot.
    pub shot: Image,
}

/// Loads `page` twice, once for its DOM and once for a screenshot,
/// keeping the browser's profile and logs in `work`.
pub fn render(page: &Path, work: &Path) -> Rendered {
    let url = format!("file://{}", page.canonicalize().unwrap().display());

    let dom_log = work.join("net-dom.json");
    let dom = run(&[&format!("--log-net-log={}", dom_log.display()), "--dump-dom", &url], work);

    let shot_log = work.join("net-shot.json");
    let png = work.join("shot.png");
    run(
        &[
            &format!("--log-net-log={}", shot_log.display()),
            &format!("--screenshot={}", png.display()),
            &url,
        ],
        work,
    );

    let mut requests = requested_urls(&dom_log);
    requests.extend(requested_urls(&shot_log));
    let png = std::fs::read(&png).expect("the browser wrote no screenshot");
    Rendered { dom, requests, shot: Image::from_png(&png) }
}

/// Runs the browser with `args` after the blocking ones; returns its
/// stdout. Panics with its stderr when it fails or hangs.
fn run(args: &[&str], work: &Path) -> String {
    let profile = work.join("browser-profile");
    let mut child = Command::new(browser())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--net-log-capture-mode=Default",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the browser starts");

    // Read while waiting: a full pipe would stall the browser.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("the browser took over {DEADLINE:?} on {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };

    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "the browser failed ({status}) on {args:?}:\n{stderr}");
    reader.join().unwrap().expect("the browser's output is UTF-8")
}

/// The URLs of a net log's events: every `url` field, wherever it sits
/// in an event's parameters.
fn requested_urls(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).expect("the browser wrote its net log");
    let log: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the net log {} is not JSON: {e}", log.display()));
    let events = log["events"].as_array().expect("a net log has events");
    let mut urls = Vec::new();
    for event in events {
        collect_urls(event, &mut urls);
    }
    urls
}

fn collect_urls(value: &Value, urls: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                match (key.as_str(), field) {
                    ("url", Value::String(url)) => urls.push(url.clone()),
                    _ => collect_urls(field, urls),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_urls(item, urls)),
        _ => {}
    }
}

/// An 8-bit RGB image.
pub struct Image {
    pub width: usize,
    pub height: usize,
    /// Row by row, three bytes a pixel.
    pub rgb: Vec<u8>,
}

impl Image {
    /// Decodes the PNGs a browser writes: 8 bits a channel, RGB or RGBA,
    /// not interlaced. Panics on anything else.
    pub fn from_png(png: &[u8]) -> Image {
        let chunks = png_chunks(png);
        let header = chunks.iter().find(|(kind, _)| kind == b"IHDR").expect("IHDR").1;
        let width = u32::from_be_bytes(header[0..4].try_into().unwrap()) as usize;
        let height = u32::from_be_bytes(header[4..8].try_into().unwrap()) as usize;
        let channels = match (header[8], header[9], header[12]) {
            (8, 2, 0) => 3,
            (8, 6, 0) => 4,
            other => panic!("unexpected PNG format (depth, colour type, interlace) {other:?}"),
        };

        let compressed: Vec<u8> = chunks
            .iter()
            .filter(|(kind, _)| kind == b"IDAT")
            .flat_map(|(_, d)| *d)
            .copied()
            .collect();
        let mut filtered = Vec::new();
        flate2::read::ZlibDecoder::new(&compressed[..]).read_to_end(&mut filtered).unwrap();
        let pixels = unfilter(&filtered, width * channels, channels);

        let rgb = pixels.chunks(channels).flat_map(|p| &p[..3]).copied().collect();
        Image { width, height, rgb }
    }

    /// How many pixels have exactly this colour.
    pub fn count(&self, colour: [u8; 3]) -> usize {
        self.rgb.chunks(3).filter(|p| **p == colour).count()
    }
}

/// A PNG's chunks as (type, data), signature and CRCs skipped.
fn png_chunks(png: &[u8]) -> Vec<([u8; 4], &[u8])> {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
        chunks.push((kind, &png[at + 8..at + 8 + len]));
        at += 12 + len;
    }
    chunks
}

/// Undoes PNG's per-row filters (none, sub, up, average, Paeth).
fn unfilter(data: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    for (y, row) in data.chunks(stride + 1).enumerate() {
        let (filter, row) = (row[0], &row[1..]);
        let start = out.len();
        for (x, &byte) in row.iter().enumerate() {
            let left = if x >= bpp { out[start + x - bpp] } else { 0 };
            let up = if y > 0 { out[start + x - stride] } else { 0 };
            let corner = if y > 0 && x >= bpp { out[start + x - stride - bpp] } else { 0 };
            let predicted = match filter {
                0 => 0,
                1 => left,
                2 => up,
                3 => ((left as u16 + up as u16) / 2) as u8,
                4 => paeth(left, up, corner),
                other => panic!("unknown PNG filter {other}"),
            };
            out.push(byte.wrapping_add(predicted));
        }
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = a as i16 + b as i16 - c as i16;
    let (pa, pb, pc) = ((p - a as i16).abs(), (p - b as i16).abs(), (p - c as i16).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
