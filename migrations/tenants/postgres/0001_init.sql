-- tenants: the tenant tree. Each row is one tenant and belongs to that
-- tenant (tenant_id = id). parent_id, path, barrier_path and depth are
-- set by the repository's hierarchy scope (modkit/include/hs_repo.h) and
-- never change; path is "/<root id>/.../<id>/".
-- Text sorts byte-wise (COLLATE "C"), as it does on SQLite: the path
-- ranges of the hierarchy scope rely on it.

CREATE TABLE tenants_tenants (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    parent_id     TEXT COLLATE "C",
    name          TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL
                  CHECK (status IN ('active', 'suspended', 'deleted')),
    self_managed  BOOLEAN NOT NULL DEFAULT FALSE,
    path          TEXT COLLATE "C" NOT NULL,
    barrier_path  TEXT COLLATE "C" NOT NULL,
    depth         INTEGER NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (id),
    UNIQUE (path),
    CHECK (tenant_id = id),
    CHECK ((parent_id IS NULL) = (depth = 0)),
    FOREIGN KEY (parent_id) REFERENCES tenants_tenants (id)
);

-- one root
CREATE UNIQUE INDEX tenants_tenants_root ON tenants_tenants (depth)
    WHERE depth = 0;
CREATE INDEX tenants_tenants_parent ON tenants_tenants (parent_id, id);
