"""Versioned data migrations: the runner (`runner`, `scripts`, `checksum`), its lock and
batch context, `verify`, the scripts in `versions/NNNN_name.py` and the rules they shipped
with (`frozen`). It uses `documents` and, of the service, only its platform layer."""
