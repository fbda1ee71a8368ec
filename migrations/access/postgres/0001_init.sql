-- access: API keys (only a salted hash of each key) and stored role
-- assignments, per tenant.
-- Text sorts byte-wise (COLLATE "C"), as it does on SQLite.

CREATE TABLE access_api_keys (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    permissions   TEXT COLLATE "C" NOT NULL,
    expires_at    TEXT COLLATE "C",
    revoked_at    TEXT COLLATE "C",
    revoked_by    TEXT COLLATE "C",
    secret_hash   TEXT COLLATE "C" NOT NULL,
    salt          TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX access_api_keys_created
    ON access_api_keys (tenant_id, created_at, id);
CREATE INDEX access_api_keys_name
    ON access_api_keys (tenant_id, name, id);

CREATE TABLE access_role_assignments (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    subject_id    TEXT COLLATE "C" NOT NULL,
    role          TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- also the index of the gate, which reads a subject's roles on
    -- every request
    UNIQUE (tenant_id, subject_id, role)
);

CREATE INDEX access_role_assignments_role
    ON access_role_assignments (tenant_id, role, id);
