"""The `profiles` command: the composition root. It may import the API (to serve), the
migrations and the service; nothing imports it."""
