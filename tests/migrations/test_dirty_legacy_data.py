"""Dirtier legacy data than the sample: every LEGACY.md rule, applied to anything of its
kind, and every value that cannot be mapped recorded, never dropped silently."""

from datetime import UTC, datetime
from typing import Any

import pytest
from bson import DatetimeMS, ObjectId, Regex, Timestamp
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from migrations.errors import MigrationError
from migrations.runner import Runner, RunOptions
from migrations.verify import find_mismatches
from service.platform.db import MongoDocument

Db = AsyncDatabase[MongoDocument]


def legacy_user(**fields: Any) -> MongoDocument:
    oid = ObjectId()
    return {
        "_id": oid,
        "authId": f"auth-{oid}",
        "email": f"{oid}@example.test",
        "fullName": "Dirty Data",
        "updatedAt": datetime(2024, 1, 2, tzinfo=UTC),
        "onboardingComplete": True,
        **fields,
    }


async def migrate(db: Db, users: list[MongoDocument]) -> None:
    await db.users.insert_many(users)
    await Runner(db).up(RunOptions(batch_size=3, say=lambda line: None))


async def profile_of(db: Db, user: MongoDocument, kind: str) -> MongoDocument:
    profile = await db[f"{kind}s"].find_one({"userId": user["_id"]})
    assert profile is not None, user
    return profile


async def issues_of(db: Db, user: MongoDocument) -> set[tuple[str, str]]:
    return {
        (i["field"], i["rule"]) async for i in db.migration_issues.find({"userId": user["_id"]})
    }


async def test_profile_types_in_any_casing_and_unknown_ones(legacy_db: Db) -> None:
    users = [
        legacy_user(profileType="  DANCER\t", displayName="A"),
        legacy_user(profileType="Choreographer ", displayName="B", onboardingComplete=False),
        legacy_user(profileType="teacher", displayName="C"),
        legacy_user(profileType=7, displayName="D"),
        legacy_user(displayName="never picked"),
    ]
    await migrate(legacy_db, users)
    assert (await profile_of(legacy_db, users[0], "dancer"))["listed"] is True
    assert (await profile_of(legacy_db, users[1], "choreographer"))["listed"] is False
    for user in users[2:4]:
        assert await issues_of(legacy_db, user) == {("profileType", "profile-type-unrecognised")}
    assert await legacy_db.dancers.count_documents({}) == 1
    assert await legacy_db.choreographers.count_documents({}) == 1
    assert await issues_of(legacy_db, users[4]) == set()
    assert await find_mismatches(legacy_db) == []


async def test_heights_work_locations_lists_and_empty_strings(legacy_db: Db) -> None:
    users = [
        legacy_user(profileType="dancer", attributes={"height": "5'11\"", "gender": "f"}),
        legacy_user(profileType="dancer", attributes={"height": "6'0"}),
        legacy_user(profileType="dancer", attributes={"height": 67}),
        legacy_user(profileType="dancer", attributes={"height": 70.5}),
        legacy_user(profileType="dancer", attributes={"height": "170 cm", "hairColor": "red"}),
        legacy_user(profileType="dancer", attributes={"height": "5'13\""}),
        legacy_user(
            profileType="dancer",
            workLocation=" Berlin, ,New York ,",
            headshots=None,
            links=None,
            training=None,
            sagAftraId="",
            representationStatus=" SEEKING ",
        ),
        legacy_user(profileType="dancer", representationStatus="Repped?", companyName="Oops Inc"),
        legacy_user(profileType="choreographer", companyName="", sizing={"shirt": "M"}),
    ]
    await migrate(legacy_db, users)
    heights = [
        (await profile_of(legacy_db, user, "dancer"))["attributes"].get("height")
        for user in users[:6]
    ]
    assert heights == [
        {"feet": 5, "inches": 11},
        {"feet": 6, "inches": 0},
        {"feet": 5, "inches": 7},
        {"feet": 5, "inches": 10.5},
        None,
        None,
    ]
    assert (await profile_of(legacy_db, users[4], "dancer"))["attributes"]["hairColor"] == "red"
    for user in users[4:6]:
        assert ("attributes.height", "height-unrecognised") in await issues_of(legacy_db, user)
    tidy = await profile_of(legacy_db, users[6], "dancer")
    assert tidy["workLocation"] == ["Berlin", "New York"]
    assert (tidy["headshots"], tidy["links"], tidy["training"]) == ([], [], [])
    assert tidy["sagAftraId"] is None and tidy["representationStatus"] == "seeking"
    odd = await profile_of(legacy_db, users[7], "dancer")
    assert "representationStatus" not in odd or odd["representationStatus"] is None
    assert await issues_of(legacy_db, users[7]) == {
        ("representationStatus", "representation-status-unrecognised"),
        ("companyName", "field-not-for-type"),
    }
    choreographer = await profile_of(legacy_db, users[8], "choreographer")
    assert choreographer["companyName"] is None and "sizing" not in choreographer
    assert await issues_of(legacy_db, users[8]) == {("sizing", "field-not-for-type")}
    assert await find_mismatches(legacy_db) == []


async def test_headshot_positions_long_bios_timestamps_and_unloadable_values(legacy_db: Db) -> None:
    shots = [
        {"storageId": "a", "url": "u", "position": 3},
        {"storageId": "b", "url": "u", "position": 1},
        {"storageId": "c", "url": "u", "position": 1},
        {"storageId": "d", "url": "u"},
    ]
    bio = "x" * 12_000
    no_created = legacy_user(profileType="dancer", headshots=shots, bio=bio, _creationTime=1.7e12)
    only_oid = legacy_user(profileType="dancer", displayName=12345, sizing={"shoe": [9]})
    only_oid.pop("updatedAt")
    await migrate(legacy_db, [no_created, only_oid])
    profile = await profile_of(legacy_db, no_created, "dancer")
    assert [(h["storageId"], h["position"]) for h in profile["headshots"]] == [
        ("a", 2),
        ("b", 0),
        ("c", 1),
        ("d", 3),
    ]
    assert profile["bio"] == bio
    assert profile["createdAt"] == datetime.fromtimestamp(1.7e9, UTC)
    other = await profile_of(legacy_db, only_oid, "dancer")
    assert other["createdAt"] == only_oid["_id"].generation_time
    assert other["displayName"] is None and "sizing" not in other
    assert await issues_of(legacy_db, only_oid) == {
        ("displayName", "not-loadable-by-profile-model"),
        ("sizing", "not-loadable-by-profile-model"),
    }
    stored = await legacy_db.users.find_one({"_id": no_created["_id"]})
    assert stored is not None and isinstance(stored["_creationTime"], float)
    assert "createdAt" not in stored


async def test_values_that_stopped_the_run_are_recorded_and_the_run_completes(
    legacy_db: Db,
) -> None:
    """Non-finite and out-of-range numbers, non-ASCII digits, a NaN headshot position and
    references that are not ObjectIds: the run (and its dry run) completes."""
    users = [
        legacy_user(profileType="dancer", displayName="Inf", attributes={"height": float("inf")}),
        legacy_user(profileType="dancer", displayName="Huge", attributes={"height": 1e30}),
        legacy_user(
            profileType="dancer", displayName="Wide", attributes={"height": "\uff15'\uff17\""}
        ),
        legacy_user(profileType="dancer", displayName="Tall", attributes={"height": "99'1"}),
        legacy_user(profileType="dancer", displayName="NaN time", _creationTime=float("nan")),
        legacy_user(profileType="dancer", displayName="Far time", _creationTime=1e20),
        legacy_user(profileType="dancer", displayName="Inf time", _creationTime=float("inf")),
        legacy_user(
            profileType="dancer",
            displayName="Shots",
            headshots=[
                {"storageId": "a", "position": 3},
                {"storageId": "b", "position": float("nan")},
                {"storageId": "c", "position": 1},
                {"storageId": "d", "position": 0},
            ],
        ),
    ]
    await legacy_db.projects.insert_many(
        [
            {"userId": [users[0]["_id"]], "title": "a list"},
            {"userId": {"id": str(users[0]["_id"])}, "title": "an object"},
            {"userId": users[0]["_id"], "title": "a reference"},
        ]
    )
    await legacy_db.users.insert_many(users)
    await Runner(legacy_db).up(RunOptions(batch_size=3, dry_run=True, say=lambda line: None))
    await Runner(legacy_db).up(RunOptions(batch_size=3, say=lambda line: None))

    for user in users[:4]:
        assert ("attributes.height", "height-unrecognised") in await issues_of(legacy_db, user)
        assert "height" not in (
            (await profile_of(legacy_db, user, "dancer")).get("attributes") or {}
        )
    for user in users[4:7]:
        created = (await profile_of(legacy_db, user, "dancer"))["createdAt"]
        assert created == user["_id"].generation_time  # the ObjectId's time
    shots = (await profile_of(legacy_db, users[7], "dancer"))["headshots"]
    order = [shot["storageId"] for shot in sorted(shots, key=lambda shot: shot["position"])]
    assert order == ["d", "c", "a", "b"]  # the NaN position after the numbered ones
    linked = {p["title"]: p.get("profileId") async for p in legacy_db.projects.find({})}
    assert linked["a list"] is None and linked["an object"] is None
    assert linked["a reference"] is not None


async def test_verify_takes_nan_as_nan_and_a_recorded_value_as_recorded(legacy_db: Db) -> None:
    """ "Equal" is equal canonical Extended JSON: a NaN the profile kept equals the
    legacy NaN, and a recorded value of any type (a date here) is not a mismatch."""
    users = [
        legacy_user(
            profileType="dancer",
            displayName="NaN inside",
            headshots=[{"storageId": "a", "position": 0, "legacyScore": float("nan")}],
        ),
        legacy_user(
            profileType="dancer",
            displayName="Dated status",
            representationStatus=datetime(2023, 5, 1, 12, 30, tzinfo=UTC),
        ),
    ]
    await migrate(legacy_db, users)
    assert await issues_of(legacy_db, users[1])  # the date was recorded, not kept
    assert await find_mismatches(legacy_db) == []


async def test_users_without_a_usable_auth_id_are_recorded_one_by_one_and_migrated(
    legacy_db: Db,
) -> None:
    """Missing, null, empty and non-string `authId`s do not count as one shared
    `authId`: each such user is recorded (a missing one told from a null) and migrated;
    two users who share a real one still stop the run."""
    users = [legacy_user(profileType="dancer", displayName=f"No id {n}") for n in range(5)]
    del users[0]["authId"]
    users[1]["authId"] = None
    users[2]["authId"] = ""
    users[3]["authId"] = 42
    users[4]["authId"] = ["a", "list"]
    await migrate(legacy_db, users)
    for user in users:
        assert await issues_of(legacy_db, user) == {("authId", "authId-unusable")}, user
        await profile_of(legacy_db, user, "dancer")
    absent = await legacy_db.migration_issues.find_one({"userId": users[0]["_id"]})
    null = await legacy_db.migration_issues.find_one({"userId": users[1]["_id"]})
    assert absent is not None and absent.get("absent") is True
    assert null is not None and "absent" not in null and null["raw"] is None

    twins = [legacy_user(authId="same-person"), legacy_user(authId="same-person")]
    await legacy_db.users.drop_index("authId_unique")  # as before the migration
    await legacy_db.users.insert_many(twins)
    await legacy_db.migration_state.delete_many({})
    with pytest.raises(MigrationError, match="1 authId values are shared"):
        await Runner(legacy_db).up(RunOptions(say=lambda line: None))


async def test_every_bad_element_of_a_list_has_a_record_of_its_own(legacy_db: Db) -> None:
    user = legacy_user(
        profileType="dancer",
        displayName="Shots",
        headshots=["not one", {"storageId": "kept", "position": 0}, 7, ["nor", "this"]],
    )
    await migrate(legacy_db, [user])
    records = await legacy_db.migration_issues.find(
        {"userId": user["_id"], "field": "headshots"}
    ).to_list()
    assert sorted((r["index"], r["raw"]) for r in records if r["index"] != 2) == [
        (0, "not one"),
        (3, ["nor", "this"]),
    ]
    assert [r["raw"] for r in records if r["index"] == 2] == [7]
    shots = (await profile_of(legacy_db, user, "dancer"))["headshots"]
    assert [shot["storageId"] for shot in shots] == ["kept"]
    assert await find_mismatches(legacy_db) == []


async def test_one_bad_element_keeps_the_others_and_is_recorded_at_its_legacy_index(
    legacy_db: Db,
) -> None:
    """Elements the profile model cannot load (strictly: `"5"` is no number) are left
    out one by one, each recorded at its index in the legacy list, counting the elements
    an earlier rule left out; a non-list in a list field is recorded whole."""
    user = legacy_user(
        profileType="dancer",
        displayName="Mixed",
        headshots=[
            "not an object",
            {"storageId": "a", "position": 2},
            {"storageId": 5, "position": 0},  # a storage id must be a string
            {"storageId": "b", "position": float("nan"), "title": Regex("x")},
            {"storageId": "c", "position": 1},
        ],
        links=[{"label": "site", "url": "https://example.test"}, {"label": True}, "loose"],
        training="ballet",
    )
    await migrate(legacy_db, [user])
    profile = await profile_of(legacy_db, user, "dancer")
    assert [(h["storageId"], h["position"]) for h in profile["headshots"]] == [
        ("a", 1),
        ("b", 2),
        ("c", 0),
    ]
    assert "title" not in profile["headshots"][1]
    assert profile["links"] == [{"label": "site", "url": "https://example.test"}]
    assert profile["training"] == []
    found = {
        (i["field"], i["rule"], i["index"])
        async for i in legacy_db.migration_issues.find({"userId": user["_id"]})
    }
    assert found == {
        ("headshots", "headshot-not-an-object", 0),
        ("headshots", "not-loadable-by-profile-model", 2),
        ("headshots.title", "value-without-json-form", 3),
        ("links", "not-loadable-by-profile-model", 1),
        ("links", "not-loadable-by-profile-model", 2),
        ("training", "not-loadable-by-profile-model", None),
    }
    assert await find_mismatches(legacy_db) == []


async def test_only_json_shaped_values_reach_a_profile(legacy_db: Db) -> None:
    """A value the API could not answer as the same JSON value, at any depth, is left out
    of the profile and recorded at its path (an element with its index); the legacy
    user keeps it, and verify agrees."""
    user = legacy_user(
        profileType="dancer",
        displayName="Odd values",
        bio=Regex("^x"),
        resume={"skills": ["Tap"], "legacyStamp": Timestamp(5, 1)},
        attributes={"eyeColor": "green", "score": float("nan")},
        workLocation=["Atlanta, GA", ObjectId(), "Miami, FL"],
    )
    await migrate(legacy_db, [user])
    profile = await profile_of(legacy_db, user, "dancer")
    assert "bio" not in profile or profile["bio"] is None
    assert "legacyStamp" not in profile["resume"] and profile["resume"]["skills"] == ["Tap"]
    assert profile["attributes"] == {"eyeColor": "green"}
    assert profile["workLocation"] == ["Atlanta, GA", "Miami, FL"]
    recorded = {
        (i["field"], i.get("index"))
        async for i in legacy_db.migration_issues.find(
            {"userId": user["_id"], "rule": "value-without-json-form"}
        )
    }
    assert recorded == {
        ("bio", None),
        ("resume.legacyStamp", None),
        ("attributes.score", None),
        ("workLocation", 1),
    }
    assert await find_mismatches(legacy_db) == []


async def test_a_date_out_of_pythons_range_breaks_no_batch(legacy_db: Db) -> None:
    """Read as `DatetimeMS`: recorded and left out of the profile, the run goes on."""
    far = DatetimeMS(2**62)
    user = legacy_user(
        profileType="dancer", displayName="Far future", resume={"skills": ["Tap"], "since": far}
    )
    neighbour = legacy_user(profileType="dancer", displayName="Neighbour")
    try:
        await legacy_db.users.insert_one(user)
    except OperationFailure as error:
        if "out of range" not in str(error):
            raise
        pytest.skip(
            "the test server cannot store a date out of Python's range (SecantusDB decodes"
            " dates in Python); this runs against MongoDB (PROFILES_TEST_MONGODB_URL)"
        )
    await migrate(legacy_db, [neighbour])
    profile = await profile_of(legacy_db, user, "dancer")
    assert "since" not in profile["resume"] and profile["resume"]["skills"] == ["Tap"]
    assert ("resume.since", "value-without-json-form") in await issues_of(legacy_db, user)
    await profile_of(legacy_db, neighbour, "dancer")


async def test_half_applied_references_are_overwritten_and_put_back_exactly(
    legacy_db: Db,
) -> None:
    """A user carrying references from an earlier attempt gets those of the profile the
    migration creates, a record whose `profileId` is null or names nothing of its user's
    is re-linked, and `down --to 0` puts every one back as it was (absent and null told
    apart)."""
    stale = ObjectId()
    half = legacy_user(
        profileType="dancer",
        displayName="Half",
        activeProfileType="Dancer ",
        activeDancerId=stale,
        activeChoreographerId=None,
    )
    plain = legacy_user(profileType="choreographer", displayName="Plain", activeProfileType=None)
    await legacy_db.projects.insert_many(
        [
            {"userId": half["_id"], "title": "null", "profileId": None},
            {"userId": half["_id"], "title": "stale", "profileId": stale},
            {"userId": half["_id"], "title": "none"},
            {"userId": plain["_id"], "title": "dotted", "profileId": None, "a.b": {"$c": 1}},
        ]
    )
    before_users = [dict(u) for u in (half, plain)]
    before_records = await legacy_db.projects.find({}).to_list()
    await migrate(legacy_db, [half, plain])

    dancer = await profile_of(legacy_db, half, "dancer")
    user = await legacy_db.users.find_one({"_id": half["_id"]})
    assert user is not None
    assert (user["activeProfileType"], user["activeDancerId"]) == ("dancer", dancer["_id"])
    assert "activeChoreographerId" not in user  # it named nothing of the user's
    choreographer = await profile_of(legacy_db, plain, "choreographer")
    other = await legacy_db.users.find_one({"_id": plain["_id"]})
    assert other is not None and other["activeProfileType"] == "choreographer"
    linked = {p["title"]: p["profileId"] async for p in legacy_db.projects.find({})}
    assert linked == {
        "null": dancer["_id"],
        "stale": dancer["_id"],
        "none": dancer["_id"],
        "dotted": choreographer["_id"],
    }
    assert await legacy_db.migration_undo.count_documents({}) == 7  # 4 users, 3 records

    await Runner(legacy_db).down(RunOptions(to=0, force=True, say=lambda line: None))
    restored = {u["_id"]: u async for u in legacy_db.users.find({})}
    for user_before in before_users:
        assert restored[user_before["_id"]] == user_before
    assert await legacy_db.projects.find({}).to_list() == before_records
    assert await legacy_db.migration_undo.count_documents({}) == 0


async def test_records_an_earlier_form_of_0004_left_stale_are_relinked_by_0013(
    legacy_db: Db,
) -> None:
    user = legacy_user(profileType="dancer", displayName="Later")
    await legacy_db.projects.insert_one({"userId": user["_id"], "title": "t"})
    await migrate(legacy_db, [user])
    await Runner(legacy_db).down(RunOptions(to=12, say=lambda line: None))
    stale = ObjectId()  # as an earlier 0004 left it: a `profileId` it did not look at
    await legacy_db.projects.update_one(
        {}, {"$set": {"profileId": stale}, "$unset": {"profileIdBackfilled": ""}}
    )
    await Runner(legacy_db).up(RunOptions(say=lambda line: None))
    dancer = await profile_of(legacy_db, user, "dancer")
    record = await legacy_db.projects.find_one({})
    assert record is not None and record["profileId"] == dancer["_id"]
    assert record["profileIdRelinked"] is True
    await Runner(legacy_db).down(RunOptions(to=12, say=lambda line: None))
    record = await legacy_db.projects.find_one({})
    assert record is not None and record["profileId"] == stale and "profileIdRelinked" not in record
