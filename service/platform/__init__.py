"""What every use case stands on: settings, the database connection and the embedded
server, transactions, errors, logs, secrets and tokens (the identity provider's keys and
claim paths among them), the per-process cache, merge patches, readiness. It imports no
other part of the service; the migrations may use it."""
