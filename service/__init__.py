"""The use cases of the profiles service, one sub-package per concern: `platform`
(settings, connection, transactions, errors, logs, caches), `rollout` (flags, dual write,
the legacy read path, repair), `accounts`, `profiles` (with `content`), `me`, `search`
(`tokens` and `text` backends), and `cli`, the composition root behind the `profiles`
command."""
