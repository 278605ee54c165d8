//! The store conformance suite (feature `testkit`).
//!
//! A store is done when it passes this suite, the same one [`crate::MemoryStore`] passes. In the
//! store's tests:
//!
//! ```ignore
//! watchtime_core::store_conformance_tests!(async { MyStore::open_fresh().await.unwrap() });
//! ```
//!
//! The macro expands to one `#[tokio::test]` per case in [`cases`] and a property test from
//! [`props`], each with a fresh store from the given `async` expression, so the calling crate
//! needs `tokio` (with `macros` and `rt`) among its dev-dependencies. An optional second argument
//! sets the number of property cases (default 32).

pub mod cases;
pub mod fixtures;
pub mod logs;
pub mod long_range;
pub mod props;

pub use proptest;

/// Expands to the whole conformance suite for the store made by `$make` (an async expression).
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::store_conformance_tests!($make, 32);
    };
    ($make:expr, $property_cases:expr) => {
        $crate::__store_conformance_cases!(
            $make;
            records_and_replaces_a_slot,
            close_day_sums_credit_and_coverage,
            days_split_at_8am_los_angeles,
            closing_again_replaces_totals,
            names_are_the_latest_seen,
            rankings_follow_the_core_rule,
            names_are_found_by_key,
            preview_does_not_store,
            pruning_keeps_totals,
            outbox_claims_and_settles,
            outbox_keeps_the_first_payload,
            outbox_rejection_is_final,
            author_activity_counts_recent_replies,
            mention_cursors_per_platform,
            platform_secrets_round_trip,
            hostile_names_round_trip,
            large_snapshot_in_one_go,
            credits_at_15_minute_slots,
            credits_at_60_minute_slots,
            credits_at_5_minute_slots,
            credits_at_10_minute_slots,
            switched_day_closes_to_the_truth,
            overlapping_lengths_are_refused,
            mixed_lengths_side_by_side,
            entity_days_rank_each_day,
            names_are_found_by_id_and_prefix,
            recaps_follow_the_core_rules,
            recaps_are_their_own_outbox_items,
        );

        #[::tokio::test]
        async fn long_range_rankings_are_exact() {
            let store = $make.await;
            $crate::testkit::long_range::long_range_rankings_are_exact(&store).await;
        }

        #[test]
        fn conformance_matches_reference_on_random_snapshots() {
            let runtime = ::tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            $crate::testkit::props::run_property($property_cases, |scenario| {
                runtime.block_on(async {
                    let store = $make.await;
                    $crate::testkit::props::check_against_reference(&store, &scenario).await
                })
            });
        }
    };
}

/// One `#[tokio::test]` per named case. Used by [`store_conformance_tests!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_cases {
    ($make:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                let store = $make.await;
                $crate::testkit::cases::$case(&store).await;
            }
        )*
    };
}
