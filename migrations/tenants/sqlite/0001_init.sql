-- tenants: the tenant tree. Each row is one tenant and belongs to that
-- tenant (tenant_id = id). parent_id, path, barrier_path and depth are
-- set by the repository's hierarchy scope (modkit/include/hs_repo.h) and
-- never change; path is "/<root id>/.../<id>/".

CREATE TABLE tenants_tenants (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    parent_id     TEXT,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL
                  CHECK (status IN ('active', 'suspended', 'deleted')),
    self_managed  BOOLEAN NOT NULL DEFAULT FALSE,
    path          TEXT NOT NULL,
    barrier_path  TEXT NOT NULL,
    depth         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
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
