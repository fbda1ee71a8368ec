-- audit: the audit trail, one row per event, per tenant. Rows are only
-- ever inserted; events without a tenant have the tenant
-- 00000000-0000-0000-0000-000000000000.
-- Text sorts byte-wise (COLLATE "C"), as it does on SQLite.

CREATE TABLE audit_events (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    event_time    TEXT COLLATE "C" NOT NULL,
    action        TEXT COLLATE "C" NOT NULL,
    outcome       TEXT COLLATE "C" NOT NULL,
    subject_id    TEXT COLLATE "C",
    auth_method   TEXT COLLATE "C",
    request_id    TEXT COLLATE "C",
    source        TEXT COLLATE "C",
    resource      TEXT COLLATE "C",
    detail        TEXT COLLATE "C",
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- the default order of a list: newest first
CREATE INDEX audit_events_time
    ON audit_events (tenant_id, event_time, id);
