"""Versioned data migrations: the runner, the lock, and `versions/NNNN_name.py` scripts."""
