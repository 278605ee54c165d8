-- watchtime on PostgreSQL: the production store. The same tables as the SQLite store.
-- Slots are Unix seconds; days are days since 1970-01-01; other instants are TIMESTAMPTZ
-- (microseconds). A stream with no category has game_id ''.
-- Ids, names and name keys are COLLATE "C": rankings break ties by Unicode code point (as
-- watchtime_core::ranking does), whatever the server's default locale, and "C" comparisons are
-- the cheapest. Counts are BIGINT so no u32 or u64 from the core can overflow a column.

CREATE TABLE snapshots (
    slot              BIGINT PRIMARY KEY,    -- slot start, Unix seconds
    slot_minutes      BIGINT NOT NULL,       -- credit multiplier of every sample in the slot
    taken_at          TIMESTAMPTZ NOT NULL,
    stream_count      BIGINT NOT NULL,
    complete          BOOLEAN NOT NULL,
    incomplete_reason TEXT
);

CREATE TABLE samples (
    slot    BIGINT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    game_id TEXT COLLATE "C" NOT NULL,
    viewers BIGINT NOT NULL,
    PRIMARY KEY (slot, user_id)
);

-- Every snapshot rewrites last_seen of the streamers in it; room on each page keeps those
-- updates HOT (no index writes).
CREATE TABLE streamers (
    user_id       TEXT COLLATE "C" PRIMARY KEY,
    login         TEXT COLLATE "C" NOT NULL,
    display_name  TEXT COLLATE "C" NOT NULL,
    shown_name    TEXT COLLATE "C" NOT NULL,  -- what rankings show and sort by
    login_key     TEXT COLLATE "C" NOT NULL,
    name_key      TEXT COLLATE "C" NOT NULL,
    login_key_len BIGINT NOT NULL,
    name_key_len  BIGINT NOT NULL,
    last_seen     BIGINT NOT NULL             -- slot
) WITH (fillfactor = 80);
CREATE INDEX streamers_login_key ON streamers (login_key);
CREATE INDEX streamers_name_key ON streamers (name_key);
CREATE INDEX streamers_login_key_len ON streamers (login_key_len);
CREATE INDEX streamers_name_key_len ON streamers (name_key_len);

-- When each streamer was last seen, apart from its names: every snapshot moves this for ~5,000
-- streamers, and rewriting a narrow row is cheap, while the wide `streamers` row is written only
-- when a name changes (its last_seen is then the slot of that write).
CREATE TABLE streamer_seen (
    user_id   TEXT COLLATE "C" PRIMARY KEY,
    last_seen BIGINT NOT NULL
) WITH (fillfactor = 70);
CREATE TABLE games (
    game_id      TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    name_key     TEXT COLLATE "C" NOT NULL,
    name_key_len BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL
) WITH (fillfactor = 80);
CREATE INDEX games_name_key ON games (name_key);
CREATE INDEX games_name_key_len ON games (name_key_len);

-- Totals per (level, block), for fast rankings over long ranges (see watchtime_core::summary):
-- level 0 is one day (block = day since 1970-01-01), level 1 an aligned 8-day block, level 2 an
-- aligned 64-day block (block = first day / length). `streamer_totals` and `game_totals` hold the
-- same sums per streamer and per game (no-category time excluded), indexed to read their heads.
CREATE TABLE totals (
    level           SMALLINT NOT NULL,
    block           INTEGER NOT NULL,
    user_id         TEXT COLLATE "C" NOT NULL,
    game_id         TEXT COLLATE "C" NOT NULL,
    viewer_minutes  BIGINT NOT NULL,
    airtime_minutes BIGINT NOT NULL,
    peak_viewers    BIGINT NOT NULL,
    PRIMARY KEY (level, block, user_id, game_id)
);
CREATE INDEX totals_by_game ON totals (level, block, game_id, viewer_minutes DESC);

CREATE TABLE streamer_totals (
    level           SMALLINT NOT NULL,
    block           INTEGER NOT NULL,
    user_id         TEXT COLLATE "C" NOT NULL,
    viewer_minutes  BIGINT NOT NULL,
    airtime_minutes BIGINT NOT NULL,
    peak_viewers    BIGINT NOT NULL,
    PRIMARY KEY (level, block, user_id)
);
CREATE INDEX streamer_totals_head ON streamer_totals (level, block, viewer_minutes DESC);

CREATE TABLE game_totals (
    level           SMALLINT NOT NULL,
    block           INTEGER NOT NULL,
    game_id         TEXT COLLATE "C" NOT NULL,
    viewer_minutes  BIGINT NOT NULL,
    airtime_minutes BIGINT NOT NULL,
    peak_viewers    BIGINT NOT NULL,
    PRIMARY KEY (level, block, game_id)
);
CREATE INDEX game_totals_head ON game_totals (level, block, viewer_minutes DESC);

CREATE TABLE day_status (
    day              INTEGER PRIMARY KEY,
    slots_expected   BIGINT NOT NULL,
    slots_observed   BIGINT NOT NULL,
    slots_incomplete BIGINT NOT NULL,
    closed_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
-- The row exists from the start so that pruning (which updates it) and closing a day (which
-- reads it FOR SHARE) always meet on a row lock. The minimum slot means "nothing pruned".
INSERT INTO store_meta (key, value) VALUES ('pruned_before', -9223372036854775808);

CREATE TABLE outbox (
    platform   TEXT COLLATE "C" NOT NULL,
    item       TEXT COLLATE "C" NOT NULL,
    purpose    TEXT NOT NULL,
    author     TEXT COLLATE "C",
    state      TEXT NOT NULL,
    attempts   BIGINT NOT NULL,
    remote_id  TEXT,
    detail     TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, item)
);
CREATE INDEX outbox_author ON outbox (platform, author, created_at);

CREATE TABLE mention_cursors (
    platform TEXT COLLATE "C" PRIMARY KEY,
    cursor   TEXT NOT NULL
);
