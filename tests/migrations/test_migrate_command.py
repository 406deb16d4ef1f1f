"""`profiles migrate ...` as the deploy pipeline runs it: output and exit codes."""

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import json_util
from pymongo import MongoClient, monitoring
from pymongo.database import Database

from documents.derived.completeness import compute_completeness
from service.cli.main import main
from service.cli.migrate import PENDING_EXIT
from service.platform.config import Settings
from service.platform.db_monitoring import LISTENERS
from tests.fixtures import LEGACY_SMALL

SyncDb = Database[dict[str, object]]


@pytest.fixture
def sync_db(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[SyncDb]:
    """The test database with the legacy sample, and the environment pointing at it."""
    assert settings.mongodb_url
    monkeypatch.setenv("PROFILES_MONGODB_URL", settings.mongodb_url)
    monkeypatch.setenv("PROFILES_DB_NAME", settings.db_name)
    monkeypatch.setenv("PROFILES_JWT_SECRET", "unused")
    client: MongoClient[dict[str, object]] = MongoClient(settings.mongodb_url, tz_aware=True)
    db = client[settings.db_name]
    for name in ("users", "projects", "training"):
        lines = (LEGACY_SMALL / f"{name}.jsonl").read_text("utf-8").splitlines()
        db[name].insert_many([json_util.loads(line) for line in lines if line.strip()])
    try:
        yield db
    finally:
        client.drop_database(settings.db_name)
        client.close()


def test_status_up_verify_down(sync_db: SyncDb, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "status"]) == PENDING_EXIT  # the deploy gate: migrations pending
    status = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in status[:5]] == [
        ["0001", "user_profile_refs", "pending"],
        ["0002", "create_dancer_profiles", "pending"],
        ["0003", "create_choreographer_profiles", "pending"],
        ["0004", "profile_id_on_projects_training", "pending"],
        ["0005", "remove_legacy_fields", "pending"],
    ]
    assert status[-1] == "lock free"

    assert main(["migrate", "up", "--dry-run"]) == 0
    assert sync_db.dancers.count_documents({}) == 0
    would_record: Counter[str] = Counter()
    for rule, count in re.findall(r"recorded ([a-zA-Z-]+) (\d+)", capsys.readouterr().err):
        would_record[rule] += int(count)
    assert would_record, "the dry run reports what it would record, per rule"

    assert main(["migrate", "up", "--limit", "40", "--batch-size", "16"]) == 0
    capsys.readouterr()
    assert main(["migrate", "status"]) == PENDING_EXIT
    partial = capsys.readouterr().out.splitlines()[1]
    assert "partial" in partial and partial.endswith(" of 262")
    seen = int(partial.split()[-3])  # the 40 handled, and the choreographers passed over
    handled = sync_db.dancers.count_documents({}) + sync_db.migration_issues.count_documents(
        {"rule": "profile-type-unrecognised"}
    )
    assert handled <= 40 < seen < 262
    assert sync_db.dancers.count_documents({}) > 30

    assert main(["migrate", "up"]) == 0
    assert sync_db.dancers.count_documents({}) == 228
    told = capsys.readouterr().err
    finished = [line for line in told.splitlines() if line[:4].isdigit()]
    assert len(finished) == 12 and all(" in " in line for line in finished), told
    # every profile derived once, as 0002 and 0003 create it: the derive step before the
    # scripts that rescan derived fields, and those scripts, find nothing to do
    derive_line = next(line for line in told.splitlines() if line.startswith("derive: rules"))
    assert "derived" not in derive_line, told
    rescans = [line for line in finished if line[:4] in ("0006", "0008", "0010")]
    assert all(line.split(" ms")[1] == "" for line in rescans), rescans
    assert main(["migrate", "status", "--json"]) == 0  # only the destructive 0005 is left
    shown = json.loads(capsys.readouterr().out)
    assert shown["pending"] == [] and shown["lock"] is None
    states = {m["version"]: m["state"] for m in shown["migrations"]}
    assert states[5] == "pending" and states[2] == "applied"
    # what each run stored, per rule, from the scripts' states (no rescan): what is in
    # the issues collection, and what the dry run said would be recorded
    told_recorded: Counter[str] = Counter()
    for migration in shown["migrations"]:
        told_recorded.update(migration["recorded"])
    assert told_recorded == Counter(i["rule"] for i in sync_db.migration_issues.find({}))
    assert told_recorded == would_record

    recorded = sync_db.migration_issues.count_documents({})
    assert recorded > 0
    assert main(["migrate", "issues", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == recorded and {"userId", "field", "rule", "raw"} <= set(lines[0])
    field = lines[0]["field"]
    assert main(["migrate", "issues", "--field", field]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[-1] == f"{sync_db.migration_issues.count_documents({'field': field})} issues"

    assert main(["migrate", "verify"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 mismatches"
    sync_db.users.update_one({"profileType": "dancer"}, {"$set": {"displayName": "Old Release"}})
    assert main(["migrate", "verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 mismatches" and "displayName" in out[0]

    later = datetime.now(UTC) + timedelta(seconds=5)
    with_records = sync_db.choreographers.find_one(
        {"_id": {"$in": sync_db.projects.distinct("profileId")}}
    )
    assert with_records is not None
    sync_db.users.update_one(
        {"_id": with_records["userId"]}, {"$set": {"bio": "Newer", "updatedAt": later}}
    )
    assert main(["migrate", "verify", "--repair"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "0 mismatches"
    assert any("displayName: legacy <- profile" in line for line in out)
    assert any("bio: profile <- legacy" in line for line in out)
    assert sync_db.users.count_documents({"displayName": "Old Release"}) == 0
    assert sync_db.choreographers.count_documents({"bio": "Newer", "version": 2}) == 1
    repaired = sync_db.choreographers.find_one({"_id": with_records["_id"]})
    assert repaired is not None
    counts = [
        sync_db[name].count_documents({"profileId": repaired["_id"]})
        for name in ("projects", "training")
    ]
    expected = compute_completeness(
        "choreographer", repaired, project_count=counts[0], training_count=counts[1]
    ).score
    assert counts[0] > 0 and repaired["completeness"] == expected

    assert main(["migrate", "down", "--to", "0"]) == 1  # the repair changed a profile
    assert main(["migrate", "down", "--to", "0", "--force"]) == 0
    assert sync_db.dancers.count_documents({}) == 0


def test_a_held_lock_is_one_line_and_exit_1(
    sync_db: SyncDb, capsys: pytest.CaptureFixture[str]
) -> None:
    until = datetime.now(UTC) + timedelta(minutes=5)
    sync_db.migration_lock.insert_one(
        {"_id": "migrations", "owner": "deploy-7", "token": 3, "expiresAt": until}
    )
    assert main(["migrate", "up"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "profiles: the migration lock is held by deploy-7"
    )
    assert "Traceback" not in captured.err
    assert sync_db.dancers.count_documents({}) == 0
    assert main(["migrate", "status"]) == PENDING_EXIT
    assert "lock held by deploy-7" in capsys.readouterr().out


def test_json_logs_make_json_progress(
    sync_db: SyncDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROFILES_LOG_FORMAT", "json")
    assert main(["migrate", "up", "--to", "2", "--batch-size", "50"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    kinds = [event["event"] for event in events]
    assert kinds[0] == "run" and kinds.count("script") == 2, kinds
    phases = [event for event in events if event["event"] == "phase"]
    assert phases and all(0 <= e["done"] <= e["total"] for e in phases)
    last = [e for e in phases if e["version"] == 2][-1]
    assert last["collection"] == "users" and last["done"] == last["total"]
    # a phase starts from the collection's size (no counting read) and ends at what it
    # read: the users with a `profileType`, not every user
    first = next(e for e in phases if e["version"] == 2)
    assert first["total"] == sync_db.users.count_documents({})
    assert last["total"] == sync_db.users.count_documents({"profileType": {"$exists": True}})
    assert last["total"] < first["total"], "the sample has users without a profileType"


class Counts(monitoring.CommandListener):
    """The counting reads a client sent: PyMongo's `count_documents` is an aggregate
    ending in `{$group: {_id: 1, n: {$sum: 1}}}`."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pipeline = event.command.get("pipeline") if event.command_name == "aggregate" else None
        if pipeline and pipeline[-1] == {"$group": {"_id": 1, "n": {"$sum": 1}}}:
            self.sent.append(str(event.command["aggregate"]))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def test_a_run_counts_nothing_before_reading_it(
    sync_db: SyncDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a phase's query reads every document it matches (every document of the
    collection where no index serves the filter) once more than the phase does: a run
    takes its progress totals from the collections' metadata; a `--limit` run, partial
    by design, counts exactly, for `status` to show "N of M"."""
    counts = Counts()
    # the clients a command makes (`service.platform.db.create_client`) take these
    monkeypatch.setattr("service.platform.db.LISTENERS", (*LISTENERS, counts))
    assert main(["migrate", "up", "--limit", "40"]) == 0
    assert "users" in counts.sent
    counts.sent.clear()
    assert main(["migrate", "up"]) == 0
    assert sync_db.dancers.count_documents({}) == 228
    assert counts.sent == []
    capsys.readouterr()


def test_bad_arguments_are_one_line(sync_db: SyncDb, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "up", "--batch-size", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("profiles:")


def test_flags_command_shows_and_changes_the_rollout(
    sync_db: SyncDb, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flags"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "dualWrite": True,
        "readSource": "legacy",
        "readAllowlist": [],
        "readPercentage": 0,
    }
    # the admin API's rules: no dual write off while reads still come from legacy fields
    assert main(["flags", "--dual-write", "off"]) == 1
    assert "dual write can be off only" in capsys.readouterr().err
    assert sync_db.feature_flags.find_one({"_id": "rollout"}) is None
    changed = ["--read-source", "profiles", "--dual-write", "off", "--allowlist", "a, b"]
    assert main(["flags", *changed, "--percentage", "10"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["dualWrite"], shown["readAllowlist"], shown["readPercentage"]) == (
        False,
        ["a", "b"],
        10,
    )
    stored = sync_db.feature_flags.find_one({"_id": "rollout"})
    assert stored is not None and stored["dualWrite"] is False
    assert stored["updatedBy"] == "profiles flags"
    assert main(["flags", "--percentage", "101"]) == 1
    assert capsys.readouterr().err.strip().startswith("profiles: --percentage")


def test_prune_counts_with_dry_run_and_deletes_only_with_yes(
    sync_db: SyncDb, capsys: pytest.CaptureFixture[str]
) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    sync_db.users.insert_one({"_id": "u", "bio": "still on the user"})
    sync_db.migration_issues.insert_one(
        {"userId": "u", "field": "bio", "rule": "r", "recordedAt": old}
    )
    assert main(["migrate", "prune", "--older-than", "30", "--yes", "--dry-run"]) == 0
    assert "would delete" in capsys.readouterr().out
    assert sync_db.migration_issues.count_documents({}) == 1
    assert main(["migrate", "prune", "--older-than-days", "30", "--yes"]) == 0
    assert "migration_issues: deleted 1 older than 30 days" in capsys.readouterr().out
    assert sync_db.migration_issues.count_documents({}) == 0
