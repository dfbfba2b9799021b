-- Webhooks on PostgreSQL (issue 24, after issue 25 items 3-4): the endpoints administrators
-- configured and the delivery log, shared by every server of the database. No secret is
-- stored: each endpoint's is derived from the deployment's master secret file, which every
-- server is given, and the endpoint's id and salt (not secret). `record` is the JSON the
-- redb webhooks file keeps (an `Endpoint`, a `Delivery`); `due_at` (Unix milliseconds) is the
-- next attempt of a pending delivery, moved ahead while one server attempts it, so servers
-- claim due deliveries `FOR UPDATE SKIP LOCKED` and one attempts each at a time.
CREATE TABLE webhook_endpoints (
    number bigint PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    salt text NOT NULL,
    outbox_cursor bigint NOT NULL DEFAULT 0,
    removed boolean NOT NULL DEFAULT false,
    record bytea NOT NULL
);

CREATE TABLE webhook_deliveries (
    endpoint text COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id),
    position bigint NOT NULL,
    due_at bigint,
    record bytea NOT NULL,
    PRIMARY KEY (endpoint, position)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE due_at IS NOT NULL;
