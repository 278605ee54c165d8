-- Block summaries for fast rankings over long ranges (see watchtime_core::summary).
-- Totals are kept per (level, block): level 0 is one day (block = day since 1970-01-01), level 1
-- an aligned 8-day block, level 2 an aligned 64-day block (block = first day / length). Level 0
-- of `totals` replaces the old `daily_totals`; `streamer_totals` and `game_totals` hold the same
-- sums per streamer and per game (no-category time excluded), ordered for reading their heads.

CREATE TABLE totals (
    level           INTEGER NOT NULL,
    block           INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    game_id         TEXT    NOT NULL,
    viewer_minutes  INTEGER NOT NULL,
    airtime_minutes INTEGER NOT NULL,
    peak_viewers    INTEGER NOT NULL,
    PRIMARY KEY (level, block, user_id, game_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX totals_by_game ON totals (level, block, game_id, viewer_minutes DESC);

CREATE TABLE streamer_totals (
    level           INTEGER NOT NULL,
    block           INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    viewer_minutes  INTEGER NOT NULL,
    airtime_minutes INTEGER NOT NULL,
    peak_viewers    INTEGER NOT NULL,
    PRIMARY KEY (level, block, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX streamer_totals_head ON streamer_totals (level, block, viewer_minutes DESC);

CREATE TABLE game_totals (
    level           INTEGER NOT NULL,
    block           INTEGER NOT NULL,
    game_id         TEXT    NOT NULL,
    viewer_minutes  INTEGER NOT NULL,
    airtime_minutes INTEGER NOT NULL,
    peak_viewers    INTEGER NOT NULL,
    PRIMARY KEY (level, block, game_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX game_totals_head ON game_totals (level, block, viewer_minutes DESC);

-- Carry existing days over, then build their blocks (floor division, so days before 1970 work).
INSERT INTO totals
SELECT 0, day, user_id, game_id, viewer_minutes, airtime_minutes, peak_viewers FROM daily_totals;
INSERT INTO totals
SELECT 1, (day - ((day % 8) + 8) % 8) / 8, user_id, game_id,
       SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
FROM daily_totals GROUP BY 2, user_id, game_id;
INSERT INTO totals
SELECT 2, (day - ((day % 64) + 64) % 64) / 64, user_id, game_id,
       SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
FROM daily_totals GROUP BY 2, user_id, game_id;
INSERT INTO streamer_totals
SELECT level, block, user_id, SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
FROM totals GROUP BY level, block, user_id;
INSERT INTO game_totals
SELECT level, block, game_id, SUM(viewer_minutes), SUM(airtime_minutes), MAX(peak_viewers)
FROM totals WHERE game_id <> '' GROUP BY level, block, game_id;

DROP TABLE daily_totals;

-- When each streamer was last seen, apart from its names: every snapshot moves this for ~5,000
-- streamers, and a narrow row makes that cheap, while the wide `streamers` row (and its four
-- key indexes) is written only when a name changes. `streamers.last_seen` keeps the slot of
-- the last name write.
CREATE TABLE streamer_seen (
    user_id   TEXT    PRIMARY KEY,
    last_seen INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO streamer_seen SELECT user_id, last_seen FROM streamers;
