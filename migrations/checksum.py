"""What pins an applied script: the checksum of its syntax tree (so reformatting and
comments do not count, while any change to what the code does does), and the digest of
the first-party modules it imports beyond the runner (the rules it applies)."""

import ast
import hashlib
from dataclasses import dataclass
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


def _tree_checksum(tree: ast.Module) -> str:
    """SHA-256 of an abstract syntax tree (positions excluded)."""
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


@dataclass(frozen=True)
class _Parsed:
    """One file as the checksums read it: its syntax tree and that tree's checksum."""

    tree: ast.Module
    checksum: str


_parsed: dict[Path, tuple[tuple[int, int], _Parsed]] = {}
"""Files read so far, by path, with the modification time and size they had then."""
_imports: dict[tuple[Path, tuple[int, int], str], frozenset[str]] = {}
"""`imported_modules` of each file read so far (by its path, modification time and size,
and package)."""


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def parsed(path: Path) -> _Parsed:
    """The syntax tree and checksum of the file at `path`, read again only when its
    modification time or size changed: a process that builds a runner more than once
    (the test suite, for each test's database) reads each file once."""
    stamp = _stamp(path)
    known = _parsed.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    _parsed[path] = (stamp, _Parsed(tree, _tree_checksum(tree)))
    return _parsed[path][1]


def file_checksum(path: Path) -> str:
    """The checksum of the syntax tree of the file at `path` (remembered as `parsed`
    says)."""
    return parsed(path).checksum


def _imports_of(path: Path, package: str, root: Path) -> frozenset[str]:
    """`imported_modules` of the file at `path`, remembered like `parsed`."""
    key = (path, _stamp(path), package)
    if key not in _imports:
        _imports[key] = frozenset(imported_modules(parsed(path).tree, package, root))
    return _imports[key]


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
    todo = set(_imports_of(script, "migrations.versions", root))
    while todo:
        name = todo.pop()
        if name in checksums or name in RUNNER or name.split(".")[0] not in FIRST_PARTY:
            continue
        path = module_path(name, root)
        if path is None:
            continue
        checksums[name] = file_checksum(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        todo |= _imports_of(path, package, root)
    return checksums


def rules_digest(script: Path, root: Path = ROOT) -> str:
    """SHA-256 over `rule_modules`: a change to one of them is a change of the rules the
    script applies."""
    modules = rule_modules(script, root)
    listing = "\n".join(f"{name} {checksum}" for name, checksum in sorted(modules.items()))
    return hashlib.sha256(listing.encode()).hexdigest()
