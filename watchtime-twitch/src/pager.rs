//! The stop rules of a sweep and its deduplication, apart from any I/O.
//!
//! Helix pages are ordered by viewers, descending, but they shift while they are read: a stream
//! can appear on two pages, the last cursor can lead back to page 1, a page can come back empty
//! with a cursor. The pager keeps the first sighting of each streamer and stops on whichever
//! comes first: the threshold, an empty page, no cursor, a repeated cursor.

use std::collections::HashSet;

use watchtime_core::StreamSample;

use crate::helix::StreamsPage;

/// Why a sweep ended after reading everything it needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The page reached streams at or below the threshold; later pages hold only fewer viewers.
    Threshold,
    /// The page was empty.
    EmptyPage,
    /// The page had no cursor: it was the last.
    NoCursor,
    /// The cursor was one already followed: Helix looped back.
    RepeatedCursor,
}

/// What to do after a page.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Read the page after this cursor.
    Follow(String),
    /// The sweep is complete.
    Stop(Stop),
}

/// What one page added, for the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PageReport {
    pub(crate) streams: usize,
    pub(crate) kept: usize,
    pub(crate) duplicates: usize,
    pub(crate) lowest: Option<u32>,
}

/// The state of one sweep: streams kept so far, streamers and cursors seen.
#[derive(Debug)]
pub(crate) struct Pager {
    min_viewers: u32,
    streamers: HashSet<String>,
    cursors: HashSet<String>,
    streams: Vec<StreamSample>,
}

impl Pager {
    pub(crate) fn new(min_viewers: u32) -> Self {
        Pager {
            min_viewers,
            streamers: HashSet::new(),
            cursors: HashSet::new(),
            streams: Vec::new(),
        }
    }

    /// Takes in one page: keeps its new streams over the threshold, then decides what follows.
    pub(crate) fn absorb(&mut self, page: StreamsPage) -> (Next, PageReport) {
        let mut report = PageReport {
            streams: page.data.len(),
            lowest: page.data.iter().map(|s| s.viewer_count).min(),
            ..PageReport::default()
        };
        for stream in page.data {
            if stream.viewer_count <= self.min_viewers {
                continue;
            }
            if self.streamers.contains(stream.user_id()) {
                report.duplicates += 1;
                continue;
            }
            self.streamers.insert(stream.user_id().to_owned());
            self.streams.push(stream.into_sample());
            report.kept += 1;
        }
        let next = match (report.lowest, page.pagination.cursor) {
            (None, _) => Next::Stop(Stop::EmptyPage),
            (Some(lowest), _) if lowest <= self.min_viewers => Next::Stop(Stop::Threshold),
            (_, None) => Next::Stop(Stop::NoCursor),
            (_, Some(cursor)) if cursor.is_empty() => Next::Stop(Stop::NoCursor),
            (_, Some(cursor)) if !self.cursors.insert(cursor.clone()) => {
                Next::Stop(Stop::RepeatedCursor)
            }
            (_, Some(cursor)) => Next::Follow(cursor),
        };
        (next, report)
    }

    /// The streams kept, first sightings in the order read.
    pub(crate) fn into_streams(self) -> Vec<StreamSample> {
        self.streams
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(streams: &[(&str, u32)], cursor: Option<&str>) -> StreamsPage {
        let data: Vec<_> = streams
            .iter()
            .map(|(id, v)| {
                serde_json::json!({"user_id": id, "user_login": format!("l{id}"),
                    "user_name": format!("N{id}"), "game_id": "1", "game_name": "G",
                    "viewer_count": v})
            })
            .collect();
        let pagination = match cursor {
            Some(c) => serde_json::json!({ "cursor": c }),
            None => serde_json::json!({}),
        };
        serde_json::from_value(serde_json::json!({"data": data, "pagination": pagination})).unwrap()
    }

    fn kept(pager: Pager) -> Vec<(String, u32)> {
        pager
            .into_streams()
            .into_iter()
            .map(|s| (s.streamer.id.to_string(), s.viewers))
            .collect()
    }

    #[test]
    fn stops_at_the_threshold_and_keeps_only_streams_over_it() {
        let mut p = Pager::new(50);
        let (next, report) = p.absorb(page(&[("1", 900), ("2", 60)], Some("c1")));
        assert_eq!(next, Next::Follow("c1".into()));
        assert_eq!(report.lowest, Some(60));
        let (next, report) = p.absorb(page(&[("3", 51), ("4", 50), ("5", 49)], Some("c2")));
        assert_eq!(next, Next::Stop(Stop::Threshold));
        assert_eq!(report.kept, 1);
        assert_eq!(
            kept(p),
            [("1".into(), 900), ("2".into(), 60), ("3".into(), 51)]
        );
    }

    #[test]
    fn first_sighting_wins_and_loops_and_ends_stop() {
        let mut p = Pager::new(0);
        assert_eq!(
            p.absorb(page(&[("1", 9), ("2", 8)], Some("a"))).0,
            Next::Follow("a".into())
        );
        let (next, report) = p.absorb(page(&[("2", 7), ("3", 6)], Some("b")));
        assert_eq!((next, report.duplicates), (Next::Follow("b".into()), 1));
        assert_eq!(
            p.absorb(page(&[("1", 9)], Some("a"))).0,
            Next::Stop(Stop::RepeatedCursor)
        );
        assert_eq!(kept(p), [("1".into(), 9), ("2".into(), 8), ("3".into(), 6)]);

        let mut p = Pager::new(0);
        assert_eq!(
            p.absorb(page(&[], Some("x"))).0,
            Next::Stop(Stop::EmptyPage)
        );
        assert_eq!(
            p.absorb(page(&[("1", 5)], None)).0,
            Next::Stop(Stop::NoCursor)
        );
        assert_eq!(
            p.absorb(page(&[("2", 5)], Some(""))).0,
            Next::Stop(Stop::NoCursor)
        );
    }
}
