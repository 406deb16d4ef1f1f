"""The direction of imports, read from every first-party module's syntax (imports inside
functions included): `documents` <- `service`, `migrations` <- `api` <- the CLI.

- `documents` (stored shapes and the pure rules on them) imports nothing of the others;
- `service` imports `documents` and itself, never `migrations` or `api`: the request
  path never enters the migrations;
- `migrations` imports `documents`, itself, and of `service` only its platform layer;
- `api` imports `documents` and `service`, never `migrations`;
- `service.cli` is the composition root: it may import everything, and nothing imports
  it; `service.platform` imports no other part of `service`.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrations.checksum import imported_modules

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("documents", "service", "migrations", "api")


def modules() -> Iterator[tuple[str, Path]]:
    """Every first-party module and its file."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def imports_of(name: str, path: Path) -> set[str]:
    """The first-party modules `path` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        module
        for module in imported_modules(tree, package, ROOT)
        if module.split(".")[0] in PACKAGES
    }


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def allowed(importer: str, imported: str) -> bool:
    """Whether `importer` may import `imported` (both first-party)."""
    if within(imported, "service.cli"):
        return within(importer, "service.cli")
    if within(importer, "service.cli"):
        return True
    if within(importer, "documents"):
        return within(imported, "documents")
    if within(importer, "service.platform"):
        return within(imported, "documents") or within(imported, "service.platform")
    if within(importer, "service"):
        return within(imported, "documents") or within(imported, "service")
    if within(importer, "migrations"):
        return (
            within(imported, "documents")
            or within(imported, "migrations")
            or within(imported, "service.platform")
        )
    if within(importer, "api"):
        return any(within(imported, top) for top in ("documents", "service", "api"))
    return False


EDGES = sorted(
    (importer, imported)
    for importer, path in modules()
    for imported in imports_of(importer, path)
    if imported != importer
)


def test_the_modules_were_read() -> None:
    importers = {importer for importer, _ in EDGES}
    assert {"api.app", "service.cli.main", "migrations.runner", "documents.user"} <= importers


@pytest.mark.parametrize("top", PACKAGES)
def test_imports_run_one_way(top: str) -> None:
    wrong = [
        f"{importer} -> {imported}"
        for importer, imported in EDGES
        if within(importer, top) and not allowed(importer, imported)
    ]
    assert wrong == []


def test_the_rule_would_see_a_wrong_import() -> None:
    assert not allowed("service.profiles.writes", "migrations.verify")
    assert not allowed("api.observability", "migrations.runner")
    assert not allowed("documents.user", "service.platform.db")
    assert not allowed("api.app", "service.cli.main")
    assert allowed("service.cli.main", "api.app")
