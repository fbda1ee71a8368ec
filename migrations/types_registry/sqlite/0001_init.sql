-- types_registry: GTS entities (type schemas and instances), kept under
-- the platform tenant (the nil UUID), and the generation counter every
-- registration increments so that each worker knows when to reload.

CREATE TABLE types_registry_entities (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    gts_id        TEXT NOT NULL,
    is_type       INTEGER NOT NULL,
    content       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, gts_id)
);

CREATE INDEX types_registry_entities_created
    ON types_registry_entities (tenant_id, created_at, id);

CREATE TABLE types_registry_state (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    generation    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

INSERT INTO types_registry_state
    (tenant_id, id, generation, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000000',
        '00000000-0000-0000-0000-000000000000', 0,
        '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z');
