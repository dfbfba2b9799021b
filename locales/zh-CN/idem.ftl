# 可安全重试的变更（issue 25）：幂等键（Idempotency-Key）。
idempotency-key-bad = 幂等键（Idempotency-Key）须为 1 至 { $max } 个可见 ASCII 字符。
idempotency-key-reused = 幂等键（Idempotency-Key）“{ $key }”已用于另一个不同的请求；重试时请求须与原请求完全相同，新的请求请使用新的键。
help-serve--idempotency_days = 幂等键在其变更后保留的天数（至少 7 天，至多 365 天；默认 7 天），过期后遗忘
