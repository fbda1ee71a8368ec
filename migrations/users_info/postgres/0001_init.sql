-- users_info: users, cities and one address per user, per tenant.
-- Text sorts byte-wise (COLLATE "C"), as it does on SQLite.

CREATE TABLE users_info_users (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    email         TEXT COLLATE "C" NOT NULL,
    display_name  TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);

CREATE TABLE users_info_cities (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    country       TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name, country)
);

CREATE TABLE users_info_addresses (
    tenant_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    user_id       TEXT COLLATE "C" NOT NULL,
    city_id       TEXT COLLATE "C" NOT NULL,
    street        TEXT COLLATE "C" NOT NULL,
    postal_code   TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id)
        REFERENCES users_info_users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, city_id)
        REFERENCES users_info_cities (tenant_id, id)
);

CREATE INDEX users_info_users_created
    ON users_info_users (tenant_id, created_at, id);
CREATE INDEX users_info_addresses_city
    ON users_info_addresses (tenant_id, city_id);
