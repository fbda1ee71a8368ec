-- users_info: users, cities and one address per user, per tenant.

CREATE TABLE users_info_users (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);

CREATE TABLE users_info_cities (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    country       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name, country)
);

CREATE TABLE users_info_addresses (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    city_id       TEXT NOT NULL,
    street        TEXT NOT NULL,
    postal_code   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
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
