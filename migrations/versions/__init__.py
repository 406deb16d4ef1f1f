"""The versioned scripts, `NNNN_name.py`: each `up`, `down` and, where needed, a
precondition. An applied script is never edited (its checksum pins it); it imports the
runner's interface and its own frozen rules (`migrations.frozen`), nothing of today's
service."""
