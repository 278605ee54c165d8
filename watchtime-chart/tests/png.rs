//! PNG output: it decodes at the stated size under every platform's limit, it matches the
//! committed reference rendering, and no text leaves the canvas or runs into other text,
//! measured on the text as laid out by the real fonts.
#![cfg(feature = "png")]
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use resvg::usvg;
use watchtime_chart::{Fonts, MAX_PNG_BYTES, Options, RankingChart, Scheme, SeriesChart};
use watchtime_core::message::PostKind;
use watchtime_core::{Day, DayRange};

/// Decoded RGB pixels.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn decode(bytes: &[u8]) -> Image {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgb: buf,
    }
}

fn games() -> RankingChart {
    RankingChart::daily(PostKind::TopGames, &fixtures::rankings(), fixtures::BRAND).unwrap()
}

#[test]
fn decodes_at_the_post_size_under_the_byte_limit() {
    let fonts = Fonts::with_system();
    for scheme in [Scheme::Light, Scheme::Dark] {
        let opts = Options {
            scheme,
            ..Options::post()
        };
        for kind in PostKind::ALL {
            let chart = RankingChart::daily(kind, &fixtures::rankings(), "@b").unwrap();
            let bytes = chart.to_png(&opts, &fonts).unwrap();
            assert!(
                bytes.len() <= MAX_PNG_BYTES,
                "{kind}: {} bytes",
                bytes.len()
            );
            let image = decode(&bytes);
            assert_eq!((image.width, image.height), (1200, 675));
        }
    }
    let small = Options {
        width: 600,
        height: Some(400),
        ..Options::post()
    };
    let image = decode(&games().to_png(&small, &fonts).unwrap());
    assert_eq!((image.width, image.height), (600, 400));
}

#[test]
fn the_background_follows_the_scheme() {
    let fonts = Fonts::bundled();
    let corner = |scheme| {
        let opts = Options {
            scheme,
            ..Options::post()
        };
        decode(&games().to_png(&opts, &fonts).unwrap()).rgb[..3].to_vec()
    };
    assert_eq!(corner(Scheme::Light), [0xff, 0xff, 0xff]);
    assert_eq!(corner(Scheme::Dark), [0x0e, 0x0e, 0x10]);
    assert_eq!(corner(Scheme::Auto), [0xff, 0xff, 0xff]);
}

/// Channels may differ by this much (anti-aliasing, float rounding across machines)...
const CHANNEL_TOLERANCE: u8 = 48;
/// ...on at most this share of the pixels.
const PIXEL_SHARE: f64 = 0.002;

/// The games chart drawn with the bundled fonts only, against the committed rendering. A changed
/// font or layout fails here; `WATCHTIME_CHART_BLESS=1` rewrites the reference after review.
#[test]
fn matches_the_reference_rendering() {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/games.png");
    let bytes = games().to_png(&Options::post(), &Fonts::bundled()).unwrap();
    if std::env::var_os("WATCHTIME_CHART_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&reference, &bytes).unwrap();
        return;
    }
    let want = decode(&std::fs::read(&reference).expect("the reference; bless to create it"));
    let got = decode(&bytes);
    assert_eq!((got.width, got.height), (want.width, want.height));
    let mut diff = Vec::with_capacity(got.rgb.len());
    let mut differing = 0usize;
    for (g, w) in got.rgb.chunks_exact(3).zip(want.rgb.chunks_exact(3)) {
        let off = g
            .iter()
            .zip(w)
            .any(|(a, b)| a.abs_diff(*b) > CHANNEL_TOLERANCE);
        differing += usize::from(off);
        diff.extend(if off {
            [255, 0, 0]
        } else {
            [w[0] / 3 + 170; 3]
        });
    }
    let share = differing as f64 / f64::from(got.width * got.height);
    if share > PIXEL_SHARE {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(dir.join("games-actual.png"), &bytes).unwrap();
        let diff_path = dir.join("games-diff.png");
        let file = std::fs::File::create(&diff_path).unwrap();
        let mut encoder = png::Encoder::new(file, got.width, got.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder
            .write_header()
            .unwrap()
            .write_image_data(&diff)
            .unwrap();
        panic!(
            "{differing} pixels ({:.2}%) differ from {}; see {} (red = different) and \
             games-actual.png beside it; if the change is intended, rerun with \
             WATCHTIME_CHART_BLESS=1",
            share * 100.0,
            reference.display(),
            diff_path.display()
        );
    }
}

/// The boxes of every text element as laid out: the layout box and the inked box.
fn text_boxes(svg: &str, fonts: &Fonts) -> (f32, f32, Vec<(String, usvg::Rect, usvg::Rect)>) {
    let options = usvg::Options {
        fontdb: Arc::new(fonts_db(fonts)),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).unwrap();
    let mut out = Vec::new();
    collect(tree.root(), &mut out);
    (tree.size().width(), tree.size().height(), out)
}

fn collect(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect, usvg::Rect)>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => collect(g, out),
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                out.push((text, t.abs_bounding_box(), t.flattened().abs_bounding_box()));
            }
            _ => {}
        }
    }
}

/// The same font files as `fonts`, in a database the test can hand to usvg.
fn fonts_db(fonts: &Fonts) -> usvg::fontdb::Database {
    let mut db = usvg::fontdb::Database::new();
    for file in [
        "NotoSans-Regular",
        "NotoSans-Bold",
        "NotoSansArabic-Regular",
        "NotoSansHebrew-Regular",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fonts/{file}.ttf"));
        db.load_font_file(path).unwrap();
    }
    for path in fonts.loaded_files() {
        db.load_font_file(path).unwrap();
    }
    db
}

fn overlap(a: &usvg::Rect, b: &usvg::Rect) -> bool {
    a.left() < b.right() && b.left() < a.right() && a.top() < b.bottom() && b.top() < a.bottom()
}

/// Nothing inked outside the canvas, and no two texts' layout boxes overlapping (shrunk by a
/// unit, since neighbouring lines may touch).
fn assert_text_fits(name: &str, svg: &str, fonts: &Fonts) {
    let (width, height, boxes) = text_boxes(svg, fonts);
    assert!(boxes.len() > 5, "{name}: only {} texts", boxes.len());
    for (text, _, ink) in &boxes {
        if ink.width() == 0.0 {
            continue;
        }
        assert!(
            ink.left() >= 0.0 && ink.top() >= 0.0 && ink.right() <= width && ink.bottom() <= height,
            "{name}: {text:?} inked at {ink:?}, outside {width}×{height}"
        );
    }
    for (i, (a, box_a, _)) in boxes.iter().enumerate() {
        for (b, box_b, _) in &boxes[i + 1..] {
            let shrink = |r: &usvg::Rect| {
                usvg::Rect::from_ltrb(
                    r.left() + 1.0,
                    r.top() + 1.0,
                    r.right() - 1.0,
                    r.bottom() - 1.0,
                )
            };
            if let (Some(x), Some(y)) = (shrink(box_a), shrink(box_b)) {
                assert!(!overlap(&x, &y), "{name}: {a:?} {x:?} overlaps {b:?} {y:?}");
            }
        }
    }
}

fn hard_names() -> Vec<RankingChart> {
    let sixty = |unit: &str| unit.repeat(60 / unit.chars().count().max(1));
    let names = [
        sixty("a"),
        sixty("W"),
        sixty("龍"),
        sixty("ب"),
        sixty("ש"),
        "👨‍👩‍👧‍👦".repeat(60),
        "🇯🇵🇺🇦🏳️‍🌈".repeat(20),
        "ThisIsAVeryLongStreamerNameThatKeepsGoingOnAndOnAndOnAndOnAnd".to_owned(),
        "مرحبا بكم في البث المباشر 123 Live!".to_owned(),
        "עברית ו-English 2024".to_owned(),
    ];
    let entries: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| fixtures::entry(i as u32 + 1, "streamer", n, 1e9 / (i as f64 + 1.0)))
        .collect();
    let range = DayRange::single(fixtures::day());
    let long_title = format!("Game of the day: {}", sixty("龍"));
    vec![
        RankingChart::new("Sixty characters everywhere", range, sixty("@"), &entries),
        RankingChart::new(long_title, range, fixtures::BRAND, &entries[..3]),
    ]
}

fn series(days: u32) -> SeriesChart {
    let range = DayRange::ending(fixtures::day(), days);
    let values: Vec<(Day, u64)> = range
        .days()
        .enumerate()
        .map(|(i, d)| (d, 1_000_000 + (i as u64 * 7919) % 600_000))
        .collect();
    SeriesChart::new(
        format!("{} 龍 🇯🇵", "Long game name ".repeat(6)),
        range,
        "@b",
        values,
    )
}

fn all_fonts() -> Vec<(&'static str, Fonts)> {
    vec![
        ("bundled", Fonts::bundled()),
        ("system", Fonts::with_system()),
    ]
}

#[test]
fn ranking_text_stays_on_the_canvas_and_apart() {
    let mut charts: Vec<RankingChart> = PostKind::ALL
        .into_iter()
        .filter_map(|k| RankingChart::daily(k, &fixtures::rankings(), fixtures::BRAND))
        .collect();
    charts.extend(hard_names());
    for (label, fonts) in all_fonts() {
        for (i, chart) in charts.iter().enumerate() {
            for opts in [Options::post(), Options::web()] {
                let name = format!("{label} chart {i} {:?}", opts.height);
                let svg = chart.to_svg(&opts);
                assert_text_fits(&name, &svg, &fonts);
                chart.to_png(&opts, &fonts).unwrap();
            }
        }
    }
}

#[test]
fn day_labels_do_not_collide_at_a_week_a_month_and_a_year() {
    for (label, fonts) in all_fonts() {
        for days in [1, 7, 30, 90, 366] {
            for opts in [Options::post(), Options::web()] {
                let svg = series(days).to_svg(&opts);
                assert_text_fits(&format!("{label} {days} days"), &svg, &fonts);
            }
        }
    }
}

/// With Debian's CJK fonts installed the ideographs are drawn by them (not as boxes); without
/// them this test has nothing to check and says so.
#[test]
fn cjk_names_render_with_the_system_fonts() {
    let system = Fonts::with_system();
    if !system
        .loaded_files()
        .iter()
        .any(|p| p.to_string_lossy().contains("CJK"))
    {
        eprintln!("no CJK font installed; only the bundled path is tested");
        return;
    }
    let entries = [fixtures::entry(1, "game", "龍龍龍龍", 1000.0)];
    let chart = RankingChart::new("t", DayRange::single(fixtures::day()), "@b", &entries);
    let with = decode(&chart.to_png(&Options::post(), &system).unwrap());
    let without = decode(&chart.to_png(&Options::post(), &Fonts::bundled()).unwrap());
    // The label column: left of the bars, around the first row.
    let (mut inked, mut changed) = (0, 0);
    for y in 160..260 {
        for x in 60..260 {
            let i = ((y * with.width + x) * 3) as usize;
            let px = &with.rgb[i..i + 3];
            inked += usize::from(px.iter().any(|c| *c < 128));
            changed += usize::from(px != &without.rgb[i..i + 3]);
        }
    }
    assert!(
        inked > 200,
        "only {inked} dark pixels where the CJK name should be"
    );
    assert!(changed > 200, "the CJK font changed only {changed} pixels");
}
