-- watchtime on SQLite: the embedded store.
-- Instants are Unix seconds (slots) or Unix nanoseconds (taken_at, closed_at, outbox times);
-- days are days since 1970-01-01; a stream with no category has game_id ''.

CREATE TABLE snapshots (
    slot              INTEGER PRIMARY KEY,   -- slot start, Unix seconds
    slot_minutes      INTEGER NOT NULL,      -- credit multiplier of every sample in the slot
    taken_at_ns       INTEGER NOT NULL,
    stream_count      INTEGER NOT NULL,
    complete          INTEGER NOT NULL,
    incomplete_reason TEXT
) STRICT;

CREATE TABLE samples (
    slot    INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    game_id TEXT    NOT NULL,
    viewers INTEGER NOT NULL,
    PRIMARY KEY (slot, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE streamers (
    user_id       TEXT    PRIMARY KEY,
    login         TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    shown_name    TEXT    NOT NULL,          -- what rankings show and sort by
    login_key     TEXT    NOT NULL,
    name_key      TEXT    NOT NULL,
    login_key_len INTEGER NOT NULL,
    name_key_len  INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL           -- slot
) STRICT, WITHOUT ROWID;
CREATE INDEX streamers_login_key ON streamers (login_key);
CREATE INDEX streamers_name_key ON streamers (name_key);
CREATE INDEX streamers_login_key_len ON streamers (login_key_len);
CREATE INDEX streamers_name_key_len ON streamers (name_key_len);

CREATE TABLE games (
    game_id      TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    name_key_len INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX games_name_key ON games (name_key);
CREATE INDEX games_name_key_len ON games (name_key_len);

CREATE TABLE daily_totals (
    day             INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    game_id         TEXT    NOT NULL,
    viewer_minutes  INTEGER NOT NULL,
    airtime_minutes INTEGER NOT NULL,
    peak_viewers    INTEGER NOT NULL,
    PRIMARY KEY (day, user_id, game_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX daily_totals_user ON daily_totals (user_id, day);
CREATE INDEX daily_totals_game ON daily_totals (game_id, day);

CREATE TABLE day_status (
    day              INTEGER PRIMARY KEY,
    slots_expected   INTEGER NOT NULL,
    slots_observed   INTEGER NOT NULL,
    slots_incomplete INTEGER NOT NULL,
    closed_at_ns     INTEGER NOT NULL
) STRICT;

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox (
    platform      TEXT    NOT NULL,
    item          TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    author        TEXT,
    state         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    remote_id     TEXT,
    detail        TEXT,
    created_at_ns INTEGER NOT NULL,
    updated_at_ns INTEGER NOT NULL,
    PRIMARY KEY (platform, item)
) STRICT;
CREATE INDEX outbox_author ON outbox (platform, author, created_at_ns);

CREATE TABLE mention_cursors (
    platform TEXT PRIMARY KEY,
    cursor   TEXT NOT NULL
) STRICT;
