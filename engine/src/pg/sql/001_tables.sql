-- wardflow on PostgreSQL, schema step 1: the tables the redb store keeps, as plain SQL.
-- Records are the same versioned JSON envelopes redb stores (`bytea`), so an export reads
-- the same bytes from either backend. Every key that is compared or ordered is COLLATE "C":
-- ids and keys sort by their bytes, as in redb, whatever the cluster's locale.

CREATE TABLE meta (
    key text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE definitions (
    hash text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE versions (
    workflow text COLLATE "C" NOT NULL,
    number integer NOT NULL CHECK (number > 0),
    hash text COLLATE "C" NOT NULL REFERENCES definitions (hash),
    PRIMARY KEY (workflow, number)
);

CREATE TABLE cases (
    id text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

-- History: append-only, one row per event; two servers can never interleave one history.
CREATE TABLE events (
    case_id text COLLATE "C" NOT NULL,
    seq integer NOT NULL CHECK (seq > 0),
    record bytea NOT NULL,
    CONSTRAINT events_case_sequence UNIQUE (case_id, seq)
);

CREATE TABLE by_state (
    workflow text COLLATE "C" NOT NULL,
    state text COLLATE "C" NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (workflow, state, case_id)
);

-- Each open deadline under its next firing (ms since the epoch): what the runners read,
-- each locking the rows it takes (FOR UPDATE SKIP LOCKED).
CREATE TABLE timers (
    at_ms bigint NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    deadline text COLLATE "C" NOT NULL,
    PRIMARY KEY (at_ms, case_id, deadline)
);

CREATE TABLE overdue (
    at_ms bigint NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    deadline text COLLATE "C" NOT NULL,
    PRIMARY KEY (at_ms, case_id, deadline)
);

CREATE TABLE provisional (
    case_id text COLLATE "C" NOT NULL,
    deadline text COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, deadline)
);

CREATE TABLE by_child (
    child text COLLATE "C" NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (child, case_id)
);

-- Case ids and letter numbers: a row read and bumped inside the command's transaction
-- (a SEQUENCE is not transactional and would leave gaps).
CREATE TABLE counters (
    key text COLLATE "C" PRIMARY KEY,
    value bigint NOT NULL CHECK (value >= 0)
);

-- The letter archive: insert-only.
CREATE TABLE letters (
    id text COLLATE "C" PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX letters_by_case ON letters (case_id, id);

-- number:… / code:… / sha256:… -> letter id.
CREATE TABLE letter_index (
    key text COLLATE "C" PRIMARY KEY,
    letter_id text COLLATE "C" NOT NULL
);

CREATE TABLE users (
    name text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE units (
    key text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE published (
    kind text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    number integer NOT NULL CHECK (number > 0),
    record bytea NOT NULL,
    PRIMARY KEY (kind, name, number)
);

-- The access log, chained like a case's history; access_head (one row) is the chain's
-- last link, locked by whoever appends.
CREATE TABLE access (
    seq bigint PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    at_ms bigint NOT NULL,
    record bytea NOT NULL
);

CREATE TABLE access_head (
    one integer PRIMARY KEY DEFAULT 1 CHECK (one = 1),
    seq bigint,
    hash text COLLATE "C"
);
INSERT INTO access_head (one, seq, hash) VALUES (1, NULL, NULL);

-- The list indexes (`case list` by handling unit, officer in charge and opening instant), kept
-- from the same index rules as redb's (`IndexKeys`).
CREATE TABLE by_unit (
    unit text COLLATE "C" NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (unit, case_id)
);

CREATE TABLE by_officer (
    officer text COLLATE "C" NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (officer, case_id)
);

CREATE TABLE by_opened (
    opened_ms bigint NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (opened_ms, case_id)
);

-- A listing narrows by several of these at once, each checked for the case at hand.
CREATE INDEX by_state_case ON by_state (case_id);
CREATE INDEX by_child_case ON by_child (case_id);
CREATE INDEX by_unit_case ON by_unit (case_id);
CREATE INDEX by_officer_case ON by_officer (case_id);
CREATE INDEX by_opened_case ON by_opened (case_id);

-- Idempotency keys (issue 25): a change's key, the hash of its request and its answer, written
-- in the change's own transaction and forgotten once expired.
CREATE TABLE idempotency_keys (
    scope text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    expires_ms bigint NOT NULL,
    record bytea NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_ms);
