//! Blocks: aligned runs of days at a few fixed lengths.

use crate::time::{Day, DayRange};

/// The block length in days of each summary level. Level 0 is the day itself; each length
/// divides the next, so every block is a union of blocks of the level below.
pub const LEVELS: [u32; 3] = [1, 8, 64];

/// One block: the `index`-th run of [`LEVELS`]`[level]` days counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block {
    level: u8,
    index: i32,
}

impl Block {
    /// The block at `level` and `index`, if `level` is one of [`LEVELS`].
    pub fn new(level: u8, index: i32) -> Option<Block> {
        (usize::from(level) < LEVELS.len()).then_some(Block { level, index })
    }

    /// The block of `level` that holds `day`, if `level` is one of [`LEVELS`].
    pub fn containing(day: Day, level: u8) -> Option<Block> {
        let len = *LEVELS.get(usize::from(level))?;
        let index = day.days_since_epoch().div_euclid(len as i32);
        Some(Block { level, index })
    }

    /// The blocks of every level above the day that hold `day`, finest first.
    pub fn above(day: Day) -> impl Iterator<Item = Block> {
        (1..LEVELS.len() as u8).filter_map(move |level| Block::containing(day, level))
    }

    /// The summary level.
    pub fn level(self) -> u8 {
        self.level
    }

    /// The position among blocks of its level; for level 0, the day since 1970-01-01.
    pub fn index(self) -> i32 {
        self.index
    }

    /// How many days the block spans.
    pub fn span_days(self) -> u32 {
        LEVELS[usize::from(self.level)]
    }

    /// The days the block spans.
    pub fn days(self) -> DayRange {
        let first = self.index.saturating_mul(self.span_days() as i32);
        let first = Day::from_days_since_epoch(first);
        DayRange {
            from: first,
            to: first.plus_days(self.span_days() - 1),
        }
    }

    /// The blocks of the level below that make up this one (empty for a day).
    pub fn children(self) -> Option<(Block, Block)> {
        let below = self.level.checked_sub(1)?;
        let ratio = (self.span_days() / LEVELS[usize::from(below)]) as i32;
        let first = self.index.saturating_mul(ratio);
        Some((
            Block {
                level: below,
                index: first,
            },
            Block {
                level: below,
                index: first + ratio - 1,
            },
        ))
    }
}

/// The fewest blocks that exactly cover `range`, in day order: whole 64-day and 8-day blocks
/// where they fit, single days at the ragged ends. A year takes at most 33 blocks.
pub fn cover(range: DayRange) -> Vec<Block> {
    let mut out = Vec::new();
    let mut day = range.from;
    while day <= range.to {
        let left = range.to.days_since_epoch() - day.days_since_epoch() + 1;
        let block = (0..LEVELS.len() as u8)
            .rev()
            .filter_map(|level| Block::containing(day, level))
            .find(|b| b.days().from == day && b.span_days() as i32 <= left)
            .unwrap_or(Block {
                level: 0,
                index: day.days_since_epoch(),
            });
        out.push(block);
        day = block.days().to.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i32) -> Day {
        Day::from_days_since_epoch(n)
    }

    #[test]
    fn a_day_is_its_own_block() {
        let d = Day::from_ymd(2026, 11, 28).expect("a date");
        let block = Block::containing(d, 0).expect("level 0");
        assert_eq!(block.days(), DayRange::single(d));
        assert_eq!(block.index(), d.days_since_epoch());
        assert_eq!(block.children(), None);
    }

    #[test]
    fn blocks_nest() {
        let b = Block::new(2, 320).expect("level 2");
        let (first, last) = b.children().expect("children");
        assert_eq!(
            (first.level(), first.index(), last.index()),
            (1, 2560, 2567)
        );
        assert_eq!(first.days().from, b.days().from);
        assert_eq!(last.days().to, b.days().to);
        assert!(Block::new(3, 0).is_none());
    }

    #[test]
    fn a_year_is_few_blocks() {
        let to = Day::from_ymd(2026, 11, 27).expect("a date");
        let year = cover(DayRange::ending(to, 365));
        assert!(year.len() <= 33, "{} blocks", year.len());
        assert!(year.iter().filter(|b| b.level() == 2).count() >= 4);
        assert_eq!(cover(DayRange::single(to)).len(), 1);
    }

    #[test]
    fn days_before_1970_are_covered_too() {
        let range = DayRange::new(day(-100), day(20)).expect("a range");
        let blocks = cover(range);
        assert_eq!(blocks.first().map(|b| b.days().from), Some(day(-100)));
        assert_eq!(blocks.last().map(|b| b.days().to), Some(day(20)));
    }

    proptest! {
        #[test]
        fn cover_is_exact_and_aligned(from in -2000i32..40000, len in 1u32..800) {
            let range = DayRange::ending(day(from).plus_days(len - 1), len);
            let blocks = cover(range);
            let mut next = range.from;
            for b in &blocks {
                prop_assert_eq!(b.days().from, next, "contiguous");
                prop_assert_eq!(Some(*b), Block::containing(b.days().from, b.level()), "aligned");
                next = b.days().to.next();
            }
            prop_assert_eq!(next, range.to.next(), "ends where the range ends");
            // Never more than 7 blocks of a level on each side of the largest.
            prop_assert!(blocks.len() <= 7 * 4 + 1 + (len / 64) as usize);
        }
    }
}
