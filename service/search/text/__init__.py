"""The `text` backend: `$text` over weighted text indexes, for MongoDB deployments."""
