# Changes that are safe to repeat (issue 25): idempotency keys (Idempotency-Key).
idempotency-key-bad = An idempotency key (Idempotency-Key) is 1 to { $max } visible ASCII characters.
idempotency-key-reused = The idempotency key (Idempotency-Key) "{ $key }" was used for a different request; a retry must repeat the original request exactly, and a new request needs a new key.
help-serve--idempotency_days = Days an idempotency key is kept after its change (at least 7, at most 365; default 7), then forgotten
