-- wardflow on PostgreSQL, schema step 2: what redb keeps in the credentials file beside the
-- database (`<db>.credentials`): password hashes (argon2id PHC strings), token hashes (SHA-256
-- of the token, never the token) and failed sign-ins. No secret is stored; an export of the
-- case data (`wardflow export`) reads none of these tables.

CREATE TABLE credential_settings (
    name text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE passwords (
    user_name text COLLATE "C" PRIMARY KEY,
    phc text NOT NULL
);

-- The token's record (JSON, as in the credentials file) under the SHA-256 of the token.
CREATE TABLE tokens (
    hash text COLLATE "C" PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    user_name text COLLATE "C" NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_name);

CREATE TABLE sign_in_failures (
    user_name text COLLATE "C" PRIMARY KEY,
    count integer NOT NULL CHECK (count >= 0),
    last_ms bigint NOT NULL
);
