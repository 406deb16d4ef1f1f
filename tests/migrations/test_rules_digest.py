"""What a script's rules digest covers: every first-party module it imports, directly or
through them, except the runner's interface."""

from pathlib import Path

from migrations.checksum import rule_modules, rules_digest
from migrations.scripts import discover


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_change_to_an_imported_rule_changes_the_digest_and_the_runner_does_not(
    tmp_path: Path,
) -> None:
    _tree(
        tmp_path,
        {
            "migrations/__init__.py": "",
            "migrations/context.py": "VALUE = 1\n",
            "migrations/frozen/__init__.py": "",
            "migrations/frozen/scoring.py": "from .weights import WEIGHT\nSCORE = WEIGHT\n",
            "migrations/frozen/weights.py": "WEIGHT = 10\n",
            "migrations/versions/0001_x.py": (
                "import json\n"
                "from migrations.context import VALUE\n"
                "from migrations.frozen import scoring\n"
            ),
        },
    )
    script = tmp_path / "migrations/versions/0001_x.py"
    first = rules_digest(script, tmp_path)

    _tree(tmp_path, {"migrations/context.py": "VALUE = 2\n"})
    assert rules_digest(script, tmp_path) == first  # the runner's interface

    _tree(tmp_path, {"migrations/frozen/weights.py": "# a comment\nWEIGHT = 10\n"})
    assert rules_digest(script, tmp_path) == first  # the syntax tree, not the text

    _tree(tmp_path, {"migrations/frozen/weights.py": "WEIGHT = 15\n"})  # imported relatively
    assert rules_digest(script, tmp_path) != first


def test_scripts_import_no_live_rules_and_those_with_rules_have_them_covered() -> None:
    scripts = {script.version: script for script in discover()}
    covered = {version: rule_modules(script.path) for version, script in scripts.items()}
    for version, modules in covered.items():
        live = [name for name in modules if not name.startswith("migrations.frozen")]
        assert live == [], (version, live)
    assert {version for version, modules in covered.items() if modules} == {2, 3, 4, 6, 8, 13}
    assert "migrations.frozen.completeness_0008" in covered[8]
    assert "migrations.frozen.search_tokens_0002" in covered[6]  # through search_fields_0006
    assert scripts[2].rules == scripts[3].rules != scripts[6].rules
