//! A peak-sized sweep: 5,000 streams over 50 pages.

mod support;

use std::collections::BTreeSet;

use support::source;
use watchtime_core::Completeness;
use watchtime_twitch::fake::{FakeStream, HelixFake};

#[tokio::test]
async fn five_thousand_streams_over_fifty_pages() {
    let fake = HelixFake::start().await.with_streams(5_000, 100);
    let sweep = source(&fake).sweep(50).await.unwrap();

    let got: BTreeSet<String> = sweep
        .snapshot
        .streams
        .iter()
        .map(|s| s.streamer.id.to_string())
        .collect();
    let want: BTreeSet<String> = (0..5_000).map(FakeStream::user_id_of).collect();
    assert_eq!(got, want);
    assert_eq!(sweep.snapshot.streams.len(), 5_000, "no duplicates");
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (50, 51));
    assert_eq!(fake.requests().streams, 50);
    assert_eq!(fake.requests().token, 1);
    println!(
        "{} streams, {} pages, {} requests in {:.3}s",
        sweep.snapshot.streams.len(),
        sweep.pages,
        sweep.requests,
        sweep.duration.as_secs_f64()
    );
}
