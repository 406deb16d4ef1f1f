"""Finding the versioned scripts in `migrations/versions/NNNN_name.py`."""

import ast
import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from migrations.checksum import file_checksum, rules_digest

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"

EARLIER_CHECKSUMS: dict[int, frozenset[str]] = {
    # 0002, 0003, 0006 and 0008 imported the service's rules (and 0002 and 0003 the
    # backfill that did) until those rules were frozen as copies in `migrations.frozen`;
    # 0005 imported verify for its precondition, which the context now offers. Only their
    # import lines changed: a database that applied the earlier forms has them applied.
    # 0001, 0006, 0007 and 0009 built their indexes with the server's default commit
    # quorum and no time limit, then through the context (a majority, a time limit): the
    # same indexes.
    1: frozenset(
        {
            "609d883d08b1f33579d16af1f49e3db26c204a74a408239b02b652ff5a74f8dd",
            # then without the undo collection's indexes (0013 makes them) and leaving
            # its issue records behind on `down`
            "301172f496b0cd27e21bb31013bcabd1db7465c43875409e15c927d9b4d4ae78",
        }
    ),
    7: frozenset({"57ca19353e92ca6b46d6a3ca64e7aa8d1c36b8095d5ccf8d7a2ca3c4805f0004"}),
    9: frozenset({"e28fbc4ee1a8157a650d3104071d55baece9cfcb9bbf36d29cc03bb5067e4886"}),
    2: frozenset({"70a54f0b3a5457b80cbc6c6a333494d89d34b47598b6039303be8cbbaabc554b"}),
    3: frozenset({"bd060ac354edda9180622db31ce24ef21c0ce56eb1a84d7d41d4993cd216a388"}),
    5: frozenset(
        {
            "ab2c46e2bb9d80f676c1e6c34cf265aa3603b29b1a4e50205238b69624186c22",
            # then wrote the backup with `$set` (mongod refuses a `$`-prefixed key inside
            # it: a database that applied it had none)
            "6fdbfaa61fcdc59fd7e2f748753f13add94d645d8fa0936658fef140c772c819",
        }
    ),
    # 0006, 0008 and 0010 rescanned every profile, then only those whose derived fields
    # are not of the running release's rules (the others are as new or newer)
    6: frozenset(
        {
            "b3084e3d47fe09bb336c14c426d64aa71ed19fe575f3e83562a774e9ad495c7b",
            "352b0274f948b11be3776762406bcf3f184103ec747b5d5e45013b97c3af1231",
        }
    ),
    10: frozenset({"5318b1e53a1eaf9a3325497b26953377a89c1ba169c28c265e7ef10cd455422f"}),
    # 0004 read every record's `userId` as a key, which a list or an object cannot be (the
    # run stopped with a traceback): a database that applied it had none such
    4: frozenset(
        {
            "6ce89df8661667e868fb72a9215bbc7818c850b18bcc9b7235edb15753ec6a2b",
            # then linked only records without a `profileId`: 0013 links what it left
            "83319bdc5c50bbe30ccb2e9ce29dd1ecb823ec987e7e7650fe54a32df74c3365",
        }
    ),
    # 0008 as first released counted a batch's records with a `$match` + `$group`
    # pipeline; then with indexed finds (`migrations.counts`). The counts are the same.
    8: frozenset(
        {
            "deb95fe9b52064e13703e691b712fb48102a707dd936b30ca30b9ba3069cbb16",
            "779abbaa8e2cccaef263618f6860907b15b6b5b4c22f7dcb1a219d15d15a2d86",
            "20914232a98f1a8242463508918797eb800ea4ce3bf98e27a555f6c281eef43e",
        }
    ),
    # 0012's `down` put the per-field index back even where two records differ only by
    # their index (the build failed); it now keeps them and the per-element index
    12: frozenset({"0f75796d1fb30f29c1052495d2a7834316d0919da4eb9fb7aa41615058d3aec2"}),
}
"""Checksums of earlier forms of a script that did the same, by version: an applied
script recorded with one of them is not "changed"."""
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.py$")


@dataclass(frozen=True)
class Script:
    """One migration script: version, name, checksum, the digest of the rules it
    imports (`migrations.checksum.rules_digest`), and its functions."""

    version: int
    name: str
    path: Path
    checksum: str
    rules: str
    module: ModuleType

    def applied_as_is(self, recorded: str | None) -> bool:
        """Whether a checksum recorded when the script was applied is this script's (or
        that of an earlier form that did the same, `EARLIER_CHECKSUMS`)."""
        return recorded == self.checksum or recorded in EARLIER_CHECKSUMS.get(
            self.version, frozenset()
        )

    @property
    def derives(self) -> bool:
        """True for scripts that rewrite derived fields (the runner derives first)."""
        return bool(getattr(self.module, "DERIVES", False))

    @property
    def destructive(self) -> bool:
        """True for scripts that remove data (they run only with --allow-destructive)."""
        return bool(getattr(self.module, "DESTRUCTIVE", False))

    @property
    def up(self) -> Callable[[Any], Awaitable[None]]:
        up: Callable[[Any], Awaitable[None]] = self.module.up
        return up

    @property
    def down(self) -> Callable[[Any], Awaitable[None]]:
        down: Callable[[Any], Awaitable[None]] = self.module.down
        return down

    @property
    def precondition(self) -> Callable[[Any], Awaitable[str | None]] | None:
        check: Callable[[Any], Awaitable[str | None]] | None = getattr(
            self.module, "precondition", None
        )
        return check

    @property
    def label(self) -> str:
        """`0002_create_dancer_profiles`."""
        return f"{self.version:04d}_{self.name}"


@dataclass(frozen=True)
class ScriptFile:
    """A script as its file tells, without importing it: version, name, file,
    destructive."""

    version: int
    name: str
    path: Path
    destructive: bool


def _declares_destructive(source: str) -> bool:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "DESTRUCTIVE" for target in node.targets
        ):
            return isinstance(node.value, ast.Constant) and node.value.value is True
    return False


def listed(directory: Path = VERSIONS_DIR) -> list[ScriptFile]:
    """Every script of `directory`, ordered by version, read as text: what a release
    expects of the database, known without running any script's imports. Two scripts of
    one version are an error."""
    files = []
    for path in sorted(directory.glob("*.py")):
        if match := _FILE.match(path.name):
            source = path.read_text(encoding="utf-8")
            destructive = _declares_destructive(source)
            files.append(ScriptFile(int(match.group(1)), match.group(2), path, destructive))
    versions = [file.version for file in files]
    if len(versions) != len(set(versions)):
        raise ValueError(f"two migration scripts share a version in {directory}")
    return files


def discover(directory: Path = VERSIONS_DIR, package: str = "migrations.versions") -> list[Script]:
    """Every script of `directory` (`listed`), imported, with its checksum and the digest
    of the rules it imports."""
    return [
        Script(
            version=file.version,
            name=file.name,
            path=file.path,
            checksum=file_checksum(file.path),
            rules=rules_digest(file.path),
            module=importlib.import_module(f"{package}.{file.path.stem}"),
        )
        for file in listed(directory)
    ]


TEMPLATE = '''"""{title}."""

from migrations.context import Batch, Document, MigrationContext

DESTRUCTIVE = False


async def up(ctx: MigrationContext) -> None:
    """Apply the change; batched, idempotent and resumable."""

    async def handle(docs: list[Document], batch: Batch) -> None:
        for doc in docs:
            pass  # plan writes with batch.write(collection, UpdateOne(...))

    await ctx.batches("main", "users", {{}}, handle)


async def down(ctx: MigrationContext) -> None:
    """Undo `up` exactly."""
'''


def new_script(name: str, directory: Path = VERSIONS_DIR) -> Path:
    """Write a template for the next version and return its path."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise ValueError("give the migration a name of letters and digits")
    versions = [file.version for file in listed(directory)]
    path = directory / f"{max(versions, default=0) + 1:04d}_{slug}.py"
    path.write_text(TEMPLATE.format(title=name.strip().capitalize()), encoding="utf-8")
    return path
