//! The Markdown report: machine, data shape, then one section per store.

use std::fmt::{self, Write};

use chrono::{DateTime, Utc};
use watchtime_core::Day;

use crate::baseline::Comparison;
use crate::daemon::DaemonRss;
use crate::fill::Filled;
use crate::generate::{CHANNELS, GAMES, Shape};
use crate::machine::{Machine, load_average};
use crate::measure::{PhaseMemory, Timings, mib};
use crate::rankings::{Case, Picks, RANGES};
use crate::stores::StoreKind;
use crate::web::{CLIENTS, WebCase};

/// Everything a run measured.
#[derive(Debug)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// When it ran.
    pub date: DateTime<Utc>,
    /// How it was asked to run.
    pub run: RunInfo,
    /// The data generated, and which days it was counted over.
    pub shape: Option<(Shape, String)>,
    /// One per store measured.
    pub stores: Vec<StoreReport>,
    /// `--daemon-binary`, if given: the reading or why there is none.
    pub daemon: Option<Result<DaemonRss, String>>,
}

/// The parameters of the run.
#[derive(Debug)]
pub struct RunInfo {
    /// Generator seed.
    pub seed: u64,
    /// First and last day of the data.
    pub first: Day,
    /// Last day.
    pub last: Day,
    /// Days in the data.
    pub days: u32,
    /// Timed ranking queries per case.
    pub iterations: usize,
    /// Whether this is a `--quick` smoke run.
    pub quick: bool,
    /// The slot length, minutes.
    pub slot_minutes: u32,
    /// Days of raw samples kept before the day just closed.
    pub keep_days: u32,
}

/// The results of one store.
#[derive(Debug)]
pub struct StoreReport {
    /// Which store.
    pub kind: StoreKind,
    /// Its file or database.
    pub location: String,
    /// The fill, if one ran (`None` when `--reuse` found the data complete).
    pub fill: Option<(Filled, PhaseMemory)>,
    /// What was found in the store before filling.
    pub found: String,
    /// Closing the last day again (not with `--web-only`).
    pub reclose: Option<(Day, Timings, PhaseMemory)>,
    /// `record_snapshot` against the baseline (not with `--web-only`).
    pub ingest: Option<(Comparison, PhaseMemory)>,
    /// The ids the ranking subjects are about, and the ranking latencies (not with
    /// `--web-only`).
    pub rankings: Option<(Picks, Vec<Case>, PhaseMemory)>,
    /// The weekly and monthly recaps against the daily rankings (not with `--web-only`).
    pub recaps: Option<crate::recaps::Measured>,
    /// The pages and the API over HTTP.
    pub web: Vec<WebCase>,
    /// Rows per table after the run.
    pub rows: Vec<(&'static str, i64)>,
    /// Database size after the run, in bytes.
    pub size_bytes: i64,
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    match write_report(&mut out, report) {
        Ok(()) => out,
        Err(e) => format!("{out}\n\n(report formatting failed: {e})\n"),
    }
}

fn write_report(o: &mut String, r: &Report) -> fmt::Result {
    writeln!(o, "# watchtime-bench report\n")?;
    let m = &r.machine;
    writeln!(o, "- Date: {}", r.date.format("%Y-%m-%d %H:%M UTC"))?;
    writeln!(
        o,
        "- Machine: {} CPUs ({}), {} RAM",
        m.cpus,
        m.cpu_model,
        m.ram_kib
            .map_or("unknown".into(), |k| format!("{:.1} GiB", mib(k) / 1024.0))
    )?;
    writeln!(
        o,
        "- Load average (1/5/15 min): {} at start, {} at end",
        m.load_at_start,
        load_average()
    )?;
    writeln!(
        o,
        "- Build: {}",
        if cfg!(debug_assertions) {
            "debug (numbers not representative)"
        } else {
            "release"
        }
    )?;
    let run = &r.run;
    writeln!(
        o,
        "- Run: {} days, {} to {}, seed {}, {} timed ranking queries per case{}\n- Slots of {} minutes; raw samples kept for {} day(s) before the day closed",
        run.days,
        run.first,
        run.last,
        run.seed,
        run.iterations,
        if run.quick {
            " (--quick smoke run)"
        } else {
            ""
        },
        run.slot_minutes,
        run.keep_days
    )?;
    writeln!(o)?;
    shape(o, r.shape.as_ref())?;
    for s in &r.stores {
        store(o, s, run)?;
    }
    if let Some(d) = &r.daemon {
        writeln!(o, "## Daemon idle RSS\n")?;
        match d {
            Ok(d) => {
                writeln!(
                    o,
                    "`{} run` on an empty SQLite file, Twitch unreachable, after {:.0} s:\n",
                    d.binary,
                    d.waited.as_secs_f64()
                )?;
                writeln!(o, "| VmRSS | VmHWM (peak) | exit |\n|---|---|---|")?;
                writeln!(
                    o,
                    "| {:.1} MiB | {:.1} MiB | {} |\n",
                    mib(d.rss_kib),
                    mib(d.hwm_kib),
                    d.exit
                )?;
            }
            Err(e) => writeln!(o, "Not measured: {e}\n")?,
        }
    }
    Ok(())
}

fn shape(o: &mut String, shape: Option<&(Shape, String)>) -> fmt::Result {
    writeln!(o, "## Data shape\n")?;
    let Some((s, over)) = shape else {
        return writeln!(o, "No data generated.\n");
    };
    writeln!(o, "Counted over {over}.\n")?;
    writeln!(o, "| | value |\n|---|---|")?;
    writeln!(
        o,
        "| channels / games | {CHANNELS} channels / {GAMES} games |"
    )?;
    writeln!(
        o,
        "| sessions per day | {:.0} sessions ({:.1} % switch game) |",
        s.sessions_per_day(),
        pct(s.switched, s.sessions)
    )?;
    writeln!(
        o,
        "| streams per snapshot | {:.0} streams avg (min {}, max {}) |",
        s.streams_per_snapshot(),
        s.min_streams,
        s.max_streams
    )?;
    writeln!(
        o,
        "| (streamer, game) pairs per day | {:.0} pairs avg (= day-level `totals` rows per day) |",
        s.pairs_per_day()
    )?;
    writeln!(
        o,
        "| snapshots | {} snapshots over {} days |",
        s.snapshots, s.days
    )?;
    writeln!(o, "| samples written | {} rows |\n", s.samples)
}

fn store(o: &mut String, s: &StoreReport, run: &RunInfo) -> fmt::Result {
    writeln!(o, "## {} (`{}`)\n", s.kind.title(), s.location)?;
    writeln!(o, "Before the run: {}.\n", s.found)?;
    if s.kind == StoreKind::Postgres {
        writeln!(
            o,
            "Memory figures are the bench process's only; the PostgreSQL server's memory is not included.\n"
        )?;
    }

    writeln!(o, "### Fill\n")?;
    match &s.fill {
        Some((f, mem)) => {
            let per_day = f.elapsed.as_secs_f64() / f64::from(f.days.max(1));
            writeln!(o, "| | value |\n|---|---|")?;
            writeln!(o, "| days filled | {} days |", f.days)?;
            writeln!(
                o,
                "| wall time | {:.1} s ({:.2} s per day) |",
                f.elapsed.as_secs_f64(),
                per_day
            )?;
            writeln!(
                o,
                "| of which generating data | {:.1} s |",
                f.generating.as_secs_f64()
            )?;
            writeln!(
                o,
                "| of which record_snapshot / close_day / prune_samples | {:.1} s / {:.1} s / {:.1} s |",
                f.ingest.total().as_secs_f64(),
                f.close.total().as_secs_f64(),
                f.prune.total().as_secs_f64()
            )?;
            if f.days < 365 {
                writeln!(
                    o,
                    "| projected 365-day fill at this rate | {:.0} min |",
                    per_day * 365.0 / 60.0
                )?;
            }
            writeln!(o, "| peak RSS during fill | {} |\n", memory(mem))?;
        }
        None => writeln!(o, "Skipped (`--reuse`: the data was complete).\n")?,
    }
    writeln!(o, "| table | rows |\n|---|---|")?;
    for (table, n) in &s.rows {
        writeln!(o, "| {table} | {n} rows |")?;
    }
    writeln!(
        o,
        "| database size | {:.1} MiB |\n",
        s.size_bytes as f64 / (1024.0 * 1024.0)
    )?;

    if let Some((c, mem)) = &s.ingest {
        writeln!(o, "### Ingest: record_snapshot vs row-at-a-time baseline\n")?;
        writeln!(
            o,
            "The {} largest snapshots of {} (avg {:.0} streams), each written by the store and by the baseline (one INSERT/upsert per row, one transaction) to slots after the data.\n",
            c.store.len(),
            run.last,
            c.streams_avg
        )?;
        writeln!(o, "| | n | median | p99 |\n|---|---|---|---|")?;
        timing_row(o, "record_snapshot (store)", &c.store)?;
        timing_row(o, "row-at-a-time baseline", &c.baseline)?;
        let ratio = |b: Option<f64>, s: Option<f64>| match (b, s) {
            (Some(b), Some(s)) if s > 0.0 => format!("{:.1}×", b / s),
            _ => "n/a".into(),
        };
        writeln!(
            o,
            "| ratio baseline / store | | {} | {} |",
            ratio(c.baseline.median_ms(), c.store.median_ms()),
            ratio(c.baseline.p99_ms(), c.store.p99_ms())
        )?;
        writeln!(o, "\nPeak RSS during the comparison: {}.\n", memory(mem))?;
    }

    if let Some((day, t, mem)) = &s.reclose {
        writeln!(o, "### Close\n")?;
        writeln!(o, "| | n | median | p99 |\n|---|---|---|---|")?;
        if let Some((f, _)) = &s.fill {
            timing_row(o, "close_day during fill", &f.close)?;
            timing_row(o, "record_snapshot during fill", &f.ingest)?;
            timing_row(o, "prune_samples during fill", &f.prune)?;
        }
        timing_row(o, &format!("close_day of {day} again (samples kept)"), t)?;
        writeln!(o, "\nPeak RSS while closing again: {}.\n", memory(mem))?;
    }

    if let Some((picks, cases, mem)) = &s.rankings {
        rankings(o, picks, cases, mem, run)?;
    }
    if let Some(recaps) = &s.recaps {
        crate::recaps::render(o, recaps)?;
    }
    web(o, &s.web)
}

fn rankings(
    o: &mut String,
    picks: &Picks,
    cases: &[Case],
    mem: &PhaseMemory,
    run: &RunInfo,
) -> fmt::Result {
    writeln!(o, "### Rankings (top 5), median / p99\n")?;
    let back = run.days.min(10) - 1;
    if back > 0 {
        write!(
            o,
            "Ranges end on {} or up to {back} days before it, in turn, ",
            run.last
        )?;
    } else {
        write!(o, "Ranges end on {}, ", run.last)?;
    }
    writeln!(
        o,
        "and may reach before the data (the 365-day range of a short run). Top game: {} ({}); mid-ranked game: {} ({}); top streamer: {} ({}).\n",
        picks.top_game.name,
        picks.top_game.id,
        picks.mid_game.name,
        picks.mid_game.id,
        picks.top_streamer.name,
        picks.top_streamer.id
    )?;
    write!(o, "| subject |")?;
    for d in RANGES {
        write!(o, " {d} d |")?;
    }
    write!(o, "\n|---|")?;
    for _ in RANGES {
        write!(o, "---|")?;
    }
    writeln!(o)?;
    let mut short = false;
    for chunk in cases.chunks(RANGES.len()) {
        write!(
            o,
            "| {} |",
            chunk.first().map_or("", |c| c.subject.as_str())
        )?;
        for c in chunk {
            let n = if c.cut_short {
                format!(" (n={})", c.timings.len())
            } else {
                String::new()
            };
            short |= c.cut_short;
            write!(
                o,
                " {} / {}{n} |",
                fmt_ms(c.timings.median_ms()),
                fmt_ms(c.timings.p99_ms())
            )?;
        }
        writeln!(o)?;
    }
    if short {
        writeln!(
            o,
            "\n(n=…): the case hit its time budget before {} queries.",
            run.iterations
        )?;
    }
    writeln!(o, "\nPeak RSS during rankings: {}.\n", memory(mem))
}

fn web(o: &mut String, cases: &[WebCase]) -> fmt::Result {
    if cases.is_empty() {
        return Ok(());
    }
    writeln!(o, "### Web pages and API over HTTP (127.0.0.1)\n")?;
    writeln!(
        o,
        "Each route asked one request at a time (median, p99), then by {CLIENTS} clients at once for a fixed time (requests per second, and as a share of the stylesheet's, which touches no store: the HTTP stack's own ceiling in the same run). First on a site that renders every request (\"rendered\"), then on one that keeps its answers about closed days (\"kept\", the default); the last column is kept / rendered throughput.\n"
    )?;
    writeln!(
        o,
        "| route | bytes | rendered median | rendered p99 | rendered req/s | vs stylesheet | kept median | kept p99 | kept req/s | kept / rendered |\n|---|---|---|---|---|---|---|---|---|---|"
    )?;
    let base = cases.first().map_or(0.0, |c| c.rendered.per_second);
    for c in cases {
        writeln!(
            o,
            "| {} `{}` | {} | {} | {} | {:.0} | {:.2} | {} | {} | {:.0} | {:.1}× |",
            c.name,
            c.path,
            c.bytes,
            fmt_ms(c.rendered.timings.median_ms()),
            fmt_ms(c.rendered.timings.p99_ms()),
            c.rendered.per_second,
            if base > 0.0 {
                c.rendered.per_second / base
            } else {
                0.0
            },
            fmt_ms(c.kept.timings.median_ms()),
            fmt_ms(c.kept.timings.p99_ms()),
            c.kept.per_second,
            if c.rendered.per_second > 0.0 {
                c.kept.per_second / c.rendered.per_second
            } else {
                0.0
            },
        )?;
    }
    writeln!(o)
}

fn timing_row(o: &mut String, label: &str, t: &Timings) -> fmt::Result {
    writeln!(
        o,
        "| {label} | {} | {} | {} |",
        t.len(),
        fmt_ms(t.median_ms()),
        fmt_ms(t.p99_ms())
    )
}

fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v < 10.0 => format!("{v:.2} ms"),
        Some(v) => format!("{v:.1} ms"),
        None => "n/a".into(),
    }
}

fn memory(m: &PhaseMemory) -> String {
    let peak = match (m.peak_kib, m.start_kib) {
        (Some(peak), Some(start)) => format!(
            "{:.1} MiB (from {:.1} MiB at the start of the phase)",
            mib(peak),
            mib(start)
        ),
        (Some(peak), None) => format!("{:.1} MiB", mib(peak)),
        (None, _) => "unknown".into(),
    };
    match &m.reset_error {
        Some(e) => format!("{peak} (peak since start: {e})"),
        None => peak,
    }
}

fn pct(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}
