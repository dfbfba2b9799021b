-- The outbox (issue 25 items 3-4): one row per event told to webhooks and the event stream,
-- written in the change's own transaction. Positions come from the counter `outbox`, bumped
-- in that transaction (its row stays locked until commit), so they follow commit order.
CREATE TABLE outbox (
    position bigint PRIMARY KEY,
    record bytea NOT NULL
);
