//! `watchtime-bench`: generates a year of Twitch at peak scale (50,000 channels, ~5,000 live
//! streams per snapshot) and measures the stores on it: ingest against a row-at-a-time baseline,
//! closing days, rankings, and memory. A binary run on demand, never in CI.
//!
//! ```text
//! cargo run --release -p watchtime-bench -- --stores sqlite --quick
//! cargo run --release -p watchtime-bench -- --stores sqlite,postgres
//! cargo run --release -p watchtime-bench -- --reuse        # rankings again on the filled year
//! cargo run --release -p watchtime-bench -- accuracy --days 35   # sampling error vs the truth
//! ```

mod accuracy;
mod baseline;
mod daemon;
mod fill;
mod generate;
mod machine;
mod measure;
mod rankings;
mod recaps;
mod report;
mod stores;
mod sweep;
mod web;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};
use watchtime_core::{Day, DayRange, Settings};

use crate::generate::{Shape, World};
use crate::machine::Machine;
use crate::measure::Phase;
use crate::report::{Report, RunInfo, StoreReport};
use crate::stores::{Opened, StoreKind};

#[cfg(feature = "postgres")]
const DEFAULT_STORES: &str = "sqlite,postgres";
#[cfg(not(feature = "postgres"))]
const DEFAULT_STORES: &str = "sqlite";

/// Generates a year of Twitch data and measures the watchtime stores on it.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// A measurement other than the store benchmark.
    #[command(subcommand)]
    command: Option<Command>,
    /// Stores to measure, comma-separated.
    #[arg(long, env = "WATCHTIME_BENCH_STORES", value_enum, value_delimiter = ',', default_value = DEFAULT_STORES)]
    stores: Vec<StoreKind>,
    /// Days of data [default: 365, or 7 with --quick].
    #[arg(long, env = "WATCHTIME_BENCH_DAYS", value_parser = clap::value_parser!(u32).range(1..=3660))]
    days: Option<u32>,
    /// First day of the data; fixed so runs are comparable.
    #[arg(long, env = "WATCHTIME_BENCH_START", default_value = "2025-01-01")]
    start: NaiveDate,
    /// Generator seed.
    #[arg(long, env = "WATCHTIME_BENCH_SEED", default_value_t = 2025)]
    seed: u64,
    /// Keep the data of an earlier run with the same days, start and seed: skip the fill if the
    /// store holds closed days through the last day, or resume it after its last closed day.
    #[arg(long, env = "WATCHTIME_BENCH_REUSE")]
    reuse: bool,
    /// Where the SQLite files go (`year.db` for 365 days, `days-N.db` otherwise).
    #[arg(
        long,
        env = "WATCHTIME_BENCH_DATA_DIR",
        default_value = "target/bench-data"
    )]
    data_dir: PathBuf,
    /// A PostgreSQL server and an admin database on it; the bench creates its own database there
    /// (`watchtime_bench` for 365 days, `watchtime_bench_Nd` otherwise).
    #[arg(
        long,
        env = "WATCHTIME_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    postgres_url: String,
    /// Where the Markdown report is written (it also goes to stdout).
    #[arg(
        long,
        env = "WATCHTIME_BENCH_OUT",
        default_value = "target/bench-data/report.md"
    )]
    out: PathBuf,
    /// The slot length in minutes (a divisor of 60): the cost of a finer cadence.
    #[arg(long, env = "WATCHTIME_BENCH_SLOT_MINUTES", default_value_t = 30)]
    slot_minutes: u32,
    /// Days of raw samples kept before the day just closed (the daemon keeps 35); 0 prunes all
    /// earlier samples after each close.
    #[arg(long, env = "WATCHTIME_BENCH_KEEP_DAYS", default_value_t = 0)]
    keep_days: u32,
    /// Smoke test: 7 days and 20 ranking iterations.
    #[arg(long, env = "WATCHTIME_BENCH_QUICK")]
    quick: bool,
    /// Timed queries per ranking case [default: 100, or 20 with --quick].
    #[arg(long, env = "WATCHTIME_BENCH_ITERATIONS")]
    iterations: Option<usize>,
    /// A ranking case stops after this many seconds once it has 10 timings.
    #[arg(long, env = "WATCHTIME_BENCH_CASE_BUDGET", default_value_t = 60)]
    case_budget_secs: u64,
    /// Also measure the idle memory of this `watchtime` binary (e.g. target/release/watchtime).
    #[arg(long, env = "WATCHTIME_BENCH_DAEMON_BINARY")]
    daemon_binary: Option<PathBuf>,
    /// Measure only the web pages and API (after filling, if needed): no second close, ingest
    /// or ranking phases.
    #[arg(long, env = "WATCHTIME_BENCH_WEB_ONLY")]
    web_only: bool,
    /// Seconds each route is loaded by the concurrent clients.
    #[arg(long, env = "WATCHTIME_BENCH_WEB_SECONDS", default_value_t = 3)]
    web_seconds: u64,
    /// How long the daemon runs before its memory is read.
    #[arg(long, env = "WATCHTIME_BENCH_DAEMON_WAIT", default_value_t = 15)]
    daemon_wait_secs: u64,
}

/// Measurements besides the store benchmark (which runs with no subcommand).
#[derive(Debug, Subcommand)]
enum Command {
    /// The sampling error of slot lengths 60, 30, 15, 10 and 5 minutes against the simulator's
    /// minute-by-minute truth, as a Markdown table.
    Accuracy {
        /// Days simulated (week and month windows need 7 and 30).
        #[arg(long, default_value_t = 35, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        /// Where the table is written (it also goes to stdout).
        #[arg(long, default_value = "target/bench-data/accuracy.md")]
        out: PathBuf,
    },
    /// Helix sweep time against the slot, and rate-limit points, on the fake Helix.
    Sweep {
        /// Milliseconds added to every page request.
        #[arg(long, default_value_t = 150)]
        latency_ms: u64,
        /// Where the table is written (it also goes to stdout).
        #[arg(long, default_value = "target/bench-data/sweep.md")]
        out: PathBuf,
    },
}

/// What the run covers, resolved from the arguments.
#[derive(Debug)]
struct Plan {
    days: u32,
    first: Day,
    last: Day,
    iterations: usize,
    budget: Duration,
    web_only: bool,
    web_seconds: Duration,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(command) = &args.command {
        return run_command(command, &args).await;
    }
    let days = args.days.unwrap_or(if args.quick { 7 } else { 365 });
    let first = Day::new(args.start);
    let plan = Plan {
        days,
        first,
        last: first.plus_days(days - 1),
        iterations: args
            .iterations
            .unwrap_or(if args.quick { 20 } else { 100 })
            .max(1),
        budget: Duration::from_secs(args.case_budget_secs),
        web_only: args.web_only,
        web_seconds: Duration::from_secs(args.web_seconds.max(1)),
    };
    let machine = Machine::detect();
    let settings = Settings {
        slot_length: watchtime_core::SlotLength::from_minutes(args.slot_minutes)?,
        ..Settings::default()
    };
    eprintln!(
        "generating {} channels and {} games (seed {})",
        generate::CHANNELS,
        generate::GAMES,
        args.seed
    );
    let world = World::new(args.seed);

    let mut shape: Option<(Shape, String)> = None;
    let mut reports = Vec::new();
    for kind in dedup(&args.stores) {
        eprintln!("{}:", kind.title());
        let opened = open(kind, &args, &plan).await?;
        let (report, filled_shape) =
            bench_store(kind, opened, &plan, &world, &settings, args.keep_days)
                .await
                .with_context(|| format!("benchmarking {}", kind.title()))?;
        if let Some(s) = filled_shape
            && shape.as_ref().is_none_or(|(old, _)| s.days > old.days)
        {
            shape = Some((s, format!("the {} days filled", s.days)));
        }
        reports.push(report);
    }
    if shape.is_none() {
        // Every store was reused: describe the last day, generated again.
        let mut s = Shape::default();
        s.add(&world.day(plan.last, &settings).shape);
        shape = Some((s, format!("{} only (the data was reused)", plan.last)));
    }

    let daemon = match &args.daemon_binary {
        Some(binary) => {
            eprintln!(
                "daemon: running {} for {} s",
                binary.display(),
                args.daemon_wait_secs
            );
            let binary = binary.clone();
            let wait = Duration::from_secs(args.daemon_wait_secs);
            let result = tokio::task::spawn_blocking(move || daemon::idle_rss(&binary, wait))
                .await
                .context("the daemon measurement panicked")?;
            Some(result.map_err(|e| format!("{e:#}")))
        }
        None => None,
    };

    let report = Report {
        machine,
        date: Utc::now(),
        run: RunInfo {
            seed: args.seed,
            first: plan.first,
            last: plan.last,
            days: plan.days,
            iterations: plan.iterations,
            quick: args.quick,
            slot_minutes: args.slot_minutes,
            keep_days: args.keep_days,
        },
        shape,
        stores: reports,
        daemon,
    };
    let text = report::render(&report);
    print!("{text}");
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&args.out, &text)
        .with_context(|| format!("writing the report to {}", args.out.display()))?;
    eprintln!("report written to {}", args.out.display());
    Ok(())
}

/// Runs a subcommand.
async fn run_command(command: &Command, args: &Args) -> Result<()> {
    match command {
        Command::Accuracy { days, out } => {
            eprintln!(
                "accuracy: {days} days from {} (seed {})",
                args.start, args.seed
            );
            let world = World::new(args.seed);
            let measured = accuracy::run(&world, Day::new(args.start), *days).await?;
            write_out(out, &accuracy::render(&measured))
        }
        Command::Sweep { latency_ms, out } => {
            let latency = Duration::from_millis(*latency_ms);
            let sweeps = sweep::run(latency).await?;
            write_out(out, &sweep::render(&sweeps, latency))
        }
    }
}

/// Prints `text` and writes it to `out`.
fn write_out(out: &std::path::Path, text: &str) -> Result<()> {
    print!("{text}");
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("written to {}", out.display());
    Ok(())
}

fn dedup(kinds: &[StoreKind]) -> Vec<StoreKind> {
    let mut out: Vec<StoreKind> = Vec::new();
    for k in kinds {
        if !out.contains(k) {
            out.push(*k);
        }
    }
    out
}

/// Opens a store: as it is with `--reuse`, else fresh.
async fn open(kind: StoreKind, args: &Args, plan: &Plan) -> Result<Opened> {
    let fresh = !args.reuse;
    // Another slot length is other data: its own file or database.
    let cadence = match args.slot_minutes {
        30 => String::new(),
        m => format!("_{m}m"),
    };
    match kind {
        StoreKind::Sqlite => {
            let file = if plan.days == 365 {
                format!("year{cadence}.db")
            } else {
                format!("days-{}{cadence}.db", plan.days)
            };
            stores::open_sqlite(&args.data_dir.join(file), fresh).await
        }
        #[cfg(feature = "postgres")]
        StoreKind::Postgres => {
            let db = if plan.days == 365 {
                format!("watchtime_bench{cadence}")
            } else {
                format!("watchtime_bench_{}d{cadence}", plan.days)
            };
            stores::postgres::open(&args.postgres_url, &db, fresh).await
        }
        #[cfg(not(feature = "postgres"))]
        StoreKind::Postgres => {
            bail!("this build has no PostgreSQL store: build with --features postgres")
        }
    }
}

/// Runs every phase on one store.
async fn bench_store(
    kind: StoreKind,
    mut opened: Opened,
    plan: &Plan,
    world: &World,
    settings: &Settings,
    keep_days: u32,
) -> Result<(StoreReport, Option<Shape>)> {
    let store = opened.store.clone();
    let last_closed = store
        .last_closed_day()
        .await
        .context("reading the last closed day")?;
    let found = match last_closed {
        None => "empty".to_owned(),
        Some(d) => format!("closed days through {d}"),
    };
    let fill_from = match last_closed {
        Some(d) if d >= plan.last => None,
        Some(d) if d >= plan.first.previous() => Some(d.next()),
        Some(d) => bail!(
            "{} holds days through {d}, before {}: run without --reuse",
            opened.location,
            plan.first
        ),
        None => Some(plan.first),
    };

    let fill = match fill_from {
        Some(from) => {
            eprintln!("  filling {from} to {}", plan.last);
            let phase = Phase::start();
            let filled =
                fill::fill(store.as_ref(), world, settings, from, plan.last, keep_days).await?;
            Some((filled, phase.finish()))
        }
        None => {
            eprintln!("  reusing {} ({found})", opened.location);
            None
        }
    };
    let shape = fill.as_ref().map(|(f, _)| f.shape);

    let (reclose, ingest, rankings, recaps) = if plan.web_only {
        (None, None, None, None)
    } else {
        eprintln!("  closing {} again", plan.last);
        let phase = Phase::start();
        let reclose = fill::reclose(store.as_ref(), settings, plan.last, 5).await?;
        let reclose = (plan.last, reclose, phase.finish());

        eprintln!("  ingest: record_snapshot vs baseline");
        let peak = world.day(plan.last, settings);
        let bench_start = settings.calendar.start_of(plan.last.plus_days(30));
        let phase = Phase::start();
        let comparison = baseline::compare(
            store.as_ref(),
            &mut opened.baseline,
            &peak.snapshots,
            bench_start,
            settings,
        )
        .await?;
        let ingest = (comparison, phase.finish());
        drop(peak);

        eprintln!("  rankings");
        let whole = DayRange::new(plan.first, plan.last).context("the filled range")?;
        let picks = rankings::pick(store.as_ref(), whole).await?;
        let phase = Phase::start();
        let cases = rankings::run(
            store.as_ref(),
            &picks,
            plan.first,
            plan.last,
            plan.iterations,
            plan.budget,
        )
        .await?;
        let rankings = (picks, cases, phase.finish());
        eprintln!("  recaps");
        let recaps = recaps::run(
            store.as_ref(),
            settings,
            plan.last,
            plan.iterations,
            plan.budget,
        )
        .await?;
        (Some(reclose), Some(ingest), Some(rankings), Some(recaps))
    };

    eprintln!("  web pages and API");
    let web = web::run(store.clone(), plan.last, plan.iterations, plan.web_seconds).await?;

    let rows = opened.baseline.row_counts().await?;
    let size_bytes = opened.baseline.size_bytes().await?;
    let location = opened.location.clone();
    drop(store);
    opened.close().await?;
    Ok((
        StoreReport {
            kind,
            location,
            fill,
            found,
            reclose,
            ingest,
            rankings,
            recaps,
            web,
            rows,
            size_bytes,
        },
        shape,
    ))
}
