"""What pins an applied script: the checksum of its syntax tree (so reformatting and
comments do not count, while any change to what the code does does), and the digest of
the first-party modules it imports beyond the runner (the rules it applies)."""

import ast
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The folder that holds the project's packages."""
FIRST_PARTY = frozenset({"documents", "service", "api", "migrations"})
RUNNER = frozenset(
    {
        "migrations",
        "migrations.collections",
        "migrations.context",
        "migrations.counts",
        "migrations.errors",
        "migrations.lock",
        "migrations.literal",
        "migrations.lookups",
        "migrations.undo",
        "migrations.values",
    }
)
"""The runner's interface to scripts: what a script is handed and the helpers it batches
with. Left out of the digest: a change to them changes how a script runs, not what it
writes."""


def script_checksum(source: str) -> str:
    """SHA-256 of the script's abstract syntax tree (positions excluded)."""
    tree = ast.parse(source)
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


def module_path(name: str, root: Path = ROOT) -> Path | None:
    """The file of first-party module `name` (a package's `__init__.py`) under `root`."""
    base = root.joinpath(*name.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def imported_modules(tree: ast.Module, package: str, root: Path = ROOT) -> set[str]:
    """The modules an import statement of `tree` names (a module in `package`), read
    from the syntax alone: `from a import b` names `a`, and `a.b` when that is a module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            names.add(base)
            names.update(
                f"{base}.{alias.name}"
                for alias in node.names
                if module_path(f"{base}.{alias.name}", root) is not None
            )
    return {name for name in names if name}


def rule_modules(script: Path, root: Path = ROOT) -> dict[str, str]:
    """Every first-party module `script` imports, directly or through them, except the
    runner's (`RUNNER`), with the checksum of its syntax tree."""
    checksums: dict[str, str] = {}
    todo = imported_modules(
        ast.parse(script.read_text(encoding="utf-8")), "migrations.versions", root
    )
    while todo:
        name = todo.pop()
        if name in checksums or name in RUNNER or name.split(".")[0] not in FIRST_PARTY:
            continue
        path = module_path(name, root)
        if path is None:
            continue
        source = path.read_text(encoding="utf-8")
        checksums[name] = script_checksum(source)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        todo |= imported_modules(ast.parse(source), package, root)
    return checksums


def rules_digest(script: Path, root: Path = ROOT) -> str:
    """SHA-256 over `rule_modules`: a change to one of them is a change of the rules the
    script applies."""
    modules = rule_modules(script, root)
    listing = "\n".join(f"{name} {checksum}" for name, checksum in sorted(modules.items()))
    return hashlib.sha256(listing.encode()).hexdigest()
