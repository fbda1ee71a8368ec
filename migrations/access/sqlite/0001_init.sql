-- access: API keys (only a salted hash of each key) and stored role
-- assignments, per tenant.

CREATE TABLE access_api_keys (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    permissions   TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    revoked_by    TEXT,
    secret_hash   TEXT NOT NULL,
    salt          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX access_api_keys_created
    ON access_api_keys (tenant_id, created_at, id);
CREATE INDEX access_api_keys_name
    ON access_api_keys (tenant_id, name, id);

CREATE TABLE access_role_assignments (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- also the index of the gate, which reads a subject's roles on
    -- every request
    UNIQUE (tenant_id, subject_id, role)
);

CREATE INDEX access_role_assignments_role
    ON access_role_assignments (tenant_id, role, id);
