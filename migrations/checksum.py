"""Checksums of migration scripts: of their syntax tree, so reformatting and comments do
not count, while any change to what the code does does."""

import ast
import hashlib


def script_checksum(source: str) -> str:
    """SHA-256 of the script's abstract syntax tree (positions excluded)."""
    tree = ast.parse(source)
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()
