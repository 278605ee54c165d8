-- The outbox keeps the exact payload of each item, stored by its first claim, so a retry sends
-- exactly what the first attempt sent. Entries written before have none (NULL): the next claim
-- of such an entry stores its own.
ALTER TABLE outbox
    ADD COLUMN payload_text TEXT,
    ADD COLUMN payload_created_at TIMESTAMPTZ,
    ADD COLUMN payload_image_sha256 TEXT;
