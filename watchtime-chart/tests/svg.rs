//! The SVG: exact output for a fixed ranking and series, and well-formed, escaped XML for
//! hostile names.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::{BRAND, entry};
use watchtime_chart::{Options, RankingChart, Scheme, SeriesChart};
use watchtime_core::{Day, DayRange};

/// One element per line, so a snapshot diff shows what moved.
fn pretty(svg: &str) -> String {
    svg.replace("><", ">\n<")
}

fn small_ranking() -> RankingChart {
    let entries = [
        entry(2, "game", "Grand Theft Auto V", 2_130_000.0),
        entry(1, "game", "Just Chatting", 4_710_000.0),
        entry(3, "game", "原神", 789.0),
    ];
    RankingChart::new(
        "Most watched games on Twitch",
        DayRange::single(fixtures::day()),
        BRAND,
        &entries,
    )
}

fn week() -> SeriesChart {
    let range = DayRange::ending(fixtures::day(), 7);
    let days: Vec<(Day, u64)> = range
        .days()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(i, d)| (d, (i as u64 + 1) * 600_000))
        .collect();
    SeriesChart::new("Just Chatting", range, BRAND, days)
}

#[test]
fn ranking_snapshot() {
    insta::assert_snapshot!(pretty(&small_ranking().to_svg(&Options::post())), @r##"
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" width="1200" height="675" role="img" aria-label="Bar chart: Most watched games on Twitch, Thu 26 Nov · hours watched, by @watchtime_bot. 1. Just Chatting: 4.71M h; 2. Grand Theft Auto V: 2.13M h; 3. 原神: 789 h" direction="ltr" font-family="&apos;Noto Sans&apos;, &apos;Noto Sans CJK JP&apos;, system-ui, -apple-system, &apos;Segoe UI&apos;, Roboto, sans-serif">
<title>Most watched games on Twitch</title>
<rect x="0" y="0" width="1200" height="675" class="wtc-bg" fill="#ffffff"/>
<text x="48" y="86" font-size="46" font-weight="700" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">Most watched games on Twitch</text>
<text x="48" y="132" font-size="28" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">Thu 26 Nov · hours watched</text>
<text x="1152" y="633" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">2026-11-26</text>
<text x="48" y="633" font-size="22" font-weight="700" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">@watchtime_bot</text>
<text x="67.4" y="220.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">1</text>
<text x="388.8" y="220.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">Just Chatting</text>
<rect x="408.8" y="181" width="597.9" height="54" rx="4" class="wtc-bar" fill="#9146ff"/>
<text x="1018.7" y="220.2" font-size="34" font-weight="700" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">4.71M h</text>
<text x="67.4" y="304.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">2</text>
<text x="388.8" y="304.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">Grand Theft Auto V</text>
<rect x="408.8" y="265" width="270.4" height="54" rx="4" class="wtc-bar" fill="#9146ff"/>
<text x="691.2" y="304.2" font-size="34" font-weight="700" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">2.13M h</text>
<text x="67.4" y="388.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">3</text>
<text x="388.8" y="388.2" font-size="34" text-anchor="end" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">原神</text>
<rect x="408.8" y="349" width="3" height="54" rx="4" class="wtc-bar" fill="#9146ff"/>
<text x="423.8" y="388.2" font-size="34" font-weight="700" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">789 h</text>
</svg>
"##);
}

#[test]
fn series_snapshot() {
    insta::assert_snapshot!(pretty(&week().to_svg(&Options::post())), @r##"
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" width="1200" height="675" role="img" aria-label="Bar chart: Just Chatting, 20–26 Nov · hours watched per day, by @watchtime_bot. Total 250K h over 6 days; highest 70.0K h on Thu 26 Nov. No data for 1 day. Fri 20 Nov: 10.0K h; Sat 21 Nov: 20.0K h; Mon 23 Nov: 40.0K h; Tue 24 Nov: 50.0K h; Wed 25 Nov: 60.0K h; Thu 26 Nov: 70.0K h" direction="ltr" font-family="&apos;Noto Sans&apos;, &apos;Noto Sans CJK JP&apos;, system-ui, -apple-system, &apos;Segoe UI&apos;, Roboto, sans-serif">
<title>Just Chatting</title>
<rect x="0" y="0" width="1200" height="675" class="wtc-bg" fill="#ffffff"/>
<text x="48" y="86" font-size="46" font-weight="700" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">Just Chatting</text>
<text x="48" y="132" font-size="28" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">20–26 Nov · hours watched per day</text>
<text x="1152" y="633" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">gaps: no data · 2026-11-20 – 2026-11-26</text>
<text x="48" y="633" font-size="22" font-weight="700" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">@watchtime_bot</text>
<line x1="120.1" y1="543" x2="1152" y2="543" stroke-width="2" class="wtc-gr" stroke="#e4e4e7"/>
<text x="106.1" y="550.9" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">0 h</text>
<line x1="120.1" y1="452.8" x2="1152" y2="452.8" stroke-width="2" class="wtc-gr" stroke="#e4e4e7"/>
<text x="106.1" y="460.7" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">20K h</text>
<line x1="120.1" y1="362.5" x2="1152" y2="362.5" stroke-width="2" class="wtc-gr" stroke="#e4e4e7"/>
<text x="106.1" y="370.4" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">40K h</text>
<line x1="120.1" y1="272.2" x2="1152" y2="272.2" stroke-width="2" class="wtc-gr" stroke="#e4e4e7"/>
<text x="106.1" y="280.2" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">60K h</text>
<line x1="120.1" y1="182" x2="1152" y2="182" stroke-width="2" class="wtc-gr" stroke="#e4e4e7"/>
<text x="106.1" y="189.9" font-size="22" text-anchor="end" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">80K h</text>
<rect x="140.7" y="497.9" width="106.1" height="45.1" rx="3" class="wtc-bar" fill="#9146ff"/>
<rect x="288.2" y="452.8" width="106.1" height="90.2" rx="3" class="wtc-bar" fill="#9146ff"/>
<rect x="583" y="362.5" width="106.1" height="180.5" rx="3" class="wtc-bar" fill="#9146ff"/>
<rect x="730.4" y="317.4" width="106.1" height="225.6" rx="3" class="wtc-bar" fill="#9146ff"/>
<rect x="877.8" y="272.2" width="106.1" height="270.8" rx="3" class="wtc-bar" fill="#9146ff"/>
<rect x="1025.2" y="227.1" width="106.1" height="315.9" rx="3" class="wtc-bar" fill="#9146ff"/>
<text x="1078.3" y="217.1" font-size="22" font-weight="700" text-anchor="middle" unicode-bidi="isolate" class="wtc-fg" fill="#18181b">70.0K h</text>
<line x1="120.1" y1="543" x2="1152" y2="543" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<line x1="193.8" y1="543" x2="193.8" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="193.8" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">20 Nov</text>
<line x1="341.2" y1="543" x2="341.2" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="341.2" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">21 Nov</text>
<line x1="488.6" y1="543" x2="488.6" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="488.6" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">22 Nov</text>
<line x1="636.1" y1="543" x2="636.1" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="636.1" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">23 Nov</text>
<line x1="783.5" y1="543" x2="783.5" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="783.5" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">24 Nov</text>
<line x1="930.9" y1="543" x2="930.9" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="930.9" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">25 Nov</text>
<line x1="1078.3" y1="543" x2="1078.3" y2="551" stroke-width="2" class="wtc-ax" stroke="#52525b"/>
<text x="1078.3" y="577" font-size="22" text-anchor="middle" unicode-bidi="isolate" class="wtc-mu" fill="#52525b">26 Nov</text>
</svg>
"##);
}

const HOSTILE: [&str; 9] = [
    "<script>alert(1)</script>",
    "Tom & Jerry \"quoted\" 'single'",
    "]]><!-- -->",
    "nul\u{0}byte\u{1b}[31m",
    "\u{202E}reversed\u{202C} text",
    "\u{2067}isolate without end",
    "&amp; already escaped &#x3c;",
    "\u{FFFE}\u{FFFF}",
    "</text><script>x</script><text>",
];

/// Every hostile name comes back as the text of its element, cleaned as in posts.
#[test]
fn hostile_names_stay_text_in_well_formed_xml() {
    let entries: Vec<_> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| entry(i as u32 + 1, "game", name, 1000.0 * (10 - i) as f64))
        .collect();
    let mut chart = RankingChart::new(
        "<b>title</b> & co",
        DayRange::single(fixtures::day()),
        "\"brand\" <x>",
        &entries,
    );
    chart.bars[0].href = Some("/games/1?a=1&b=\"2\"".to_owned());
    chart.bars[1].href = Some("javascript:alert(1)".to_owned());
    for opts in [Options::post(), web_with_nonce("n<\"'>")] {
        let svg = chart.to_svg(&opts);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let allowed = [
            "svg", "title", "style", "rect", "line", "text", "tspan", "a",
        ];
        for node in doc.descendants().filter(|n| n.is_element()) {
            assert!(
                allowed.contains(&node.tag_name().name()),
                "unexpected <{}> in {svg}",
                node.tag_name().name()
            );
        }
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect();
        for name in HOSTILE {
            let cleaned: String = watchtime_core::message::display_name(name)
                .chars()
                .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
                .collect();
            let shown = if cleaned.is_empty() {
                "(no name)".to_owned()
            } else {
                cleaned
            };
            let found = texts.iter().any(|t| {
                t == &shown || (t.ends_with('…') && shown.starts_with(t.trim_end_matches('…')))
            });
            assert!(found, "{name:?} as {shown:?} not among {texts:?}");
        }
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some("<b>title</b> & co"));
        let links: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .filter_map(|n| n.attribute("href"))
            .collect();
        assert_eq!(links, ["/games/1?a=1&b=\"2\""]);
        let label = doc.root_element().attribute("aria-label").unwrap();
        assert!(label.contains("<script>alert(1)</script>"), "{label}");
    }
}

fn web_with_nonce(nonce: &str) -> Options {
    Options {
        style_nonce: Some(nonce.to_owned()),
        ..Options::web()
    }
}

#[test]
fn web_charts_scale_and_follow_the_reader_scheme() {
    let svg = small_ranking().to_svg(&web_with_nonce("abc123"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("height"), None);
    assert_eq!(root.attribute("role"), Some("img"));
    // Three bars at 56 units each under the header, plus the brand line.
    assert_eq!(root.attribute("viewBox"), Some("0 0 1200 426"));
    let style = doc.descendants().find(|n| n.has_tag_name("style")).unwrap();
    assert_eq!(style.attribute("nonce"), Some("abc123"));
    assert!(
        style.text().unwrap().contains("prefers-color-scheme: dark"),
        "{svg}"
    );
    let light = small_ranking().to_svg(&Options::post());
    assert!(!light.contains("<style"), "{light}");
    let dark = small_ranking().to_svg(&Options {
        scheme: Scheme::Dark,
        ..Options::post()
    });
    assert!(
        dark.contains(r##"class="wtc-bg" fill="#0e0e10""##),
        "{dark}"
    );
}

#[test]
fn a_web_ranking_of_25_grows_instead_of_shrinking_its_type() {
    let entries: Vec<_> = (1..=25)
        .map(|i| entry(i, "game", &format!("Game {i}"), 1000.0 * f64::from(30 - i)))
        .collect();
    let chart = RankingChart::new("t", DayRange::single(fixtures::day()), BRAND, &entries);
    let svg = chart.to_svg(&Options::web());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let names = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.starts_with("Game ")))
        .count();
    assert_eq!(names, 25);
    // A post image of the same ranking keeps rows readable and draws what fits.
    let post = chart.to_svg(&Options::post());
    let drawn = roxmltree::Document::parse(&post)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.starts_with("Game ")))
        .count();
    assert_eq!(drawn, 10);
}
