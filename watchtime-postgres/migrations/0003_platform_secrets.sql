-- Secrets that platform adapters keep between runs, by platform and name: a Bluesky session's
-- refresh token, so each run refreshes the session instead of logging in again.
CREATE TABLE platform_secrets (
    platform TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (platform, name)
);
