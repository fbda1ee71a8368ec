-- audit: the audit trail, one row per event, per tenant. Rows are only
-- ever inserted; events without a tenant have the tenant
-- 00000000-0000-0000-0000-000000000000.

CREATE TABLE audit_events (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    event_time    TEXT NOT NULL,
    action        TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    subject_id    TEXT,
    auth_method   TEXT,
    request_id    TEXT,
    source        TEXT,
    resource      TEXT,
    detail        TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- the default order of a list: newest first
CREATE INDEX audit_events_time
    ON audit_events (tenant_id, event_time, id);
