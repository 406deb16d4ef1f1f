"""Legacy data of any BSON type, shape and size, drawn by hypothesis, through the whole
life of the migration: `up` (after its dry run), `verify`, a repair of writes that
bypassed the service, the API's reads, `up --allow-destructive` and `down --to 0`.

What must hold for every draw (`shared/LEGACY.md`, "Rules for what real exports also
hold"): nothing raises; `verify` finds nothing after `up` nor after the repair; every
value the profile does not hold as the legacy user does is recorded with its raw value;
no read answers 500; the backup holds every removed value exactly; `down --to 0` gives
every user and record back exactly as it was (canonical Extended JSON, nested key order
kept) and leaves nothing of the migration behind.

Each example runs in a database of its own, in an event loop of its own (hypothesis
drives a plain function: the test's loop waits for it in a thread). The draws are
reproducible: a fixed seed, and the examples found failing kept in
`tests/migrations/hypothesis-examples` (replayed first). `PROFILES_PROPERTY_EXAMPLES`
sets how many examples to draw (default 12, which keeps the suite's time; run it with
hundreds before changing a rule).
"""

import asyncio
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bson
import httpx
from bson import DBRef, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.code import Code
from bson.raw_bson import RawBSONDocument
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from api.app import create_app
from documents.legacy.fields import LEGACY_USER_FIELDS
from migrations.runner import Runner, RunOptions
from migrations.values import canonical
from migrations.verify import find_mismatches
from service.platform.config import Settings
from service.platform.db import MongoDocument, bind_documents, create_client
from service.rollout.repair import repair_mismatches
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET, auth

EXAMPLES = int(os.environ.get("PROFILES_PROPERTY_EXAMPLES", "12"))
FOUND = Path(__file__).parent / "hypothesis-examples"
LEGACY_FIELDS = LEGACY_USER_FIELDS
PROFILE_FIELDS = LEGACY_FIELDS[1:-1]
REFERENCES = ("activeProfileType", "activeDancerId", "activeChoreographerId")

# -- drawing -------------------------------------------------------------------------


def texts(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """Strings BSON can hold: any code point but a lone surrogate (and NUL, in keys)."""
    characters = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    return st.text(characters, min_size=min_size, max_size=max_size)


keys = st.one_of(
    texts(6, min_size=1),
    st.sampled_from(["a.b", "$x", "$", "x.", "..", "$set", "title", "position"]),
)
datetimes = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**63), 2**63 - 1).map(Int64),
    st.floats(),
    st.sampled_from(["1.5", "NaN", "-Infinity", "1E+6000", "-0"]).map(Decimal128),
    texts(12),
    datetimes,
    st.builds(ObjectId),
    st.just(Regex("^a", "i")),
    st.builds(Timestamp, st.integers(0, 2**31), st.integers(0, 100)),
    st.binary(max_size=6),
    st.just(Code("x")),
    st.just(MinKey()),
    st.just(MaxKey()),
    st.builds(lambda: DBRef("users", ObjectId())),
)
anything = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=10,
)
positions = st.one_of(st.integers(-3, 9), st.floats(), st.none(), texts(2), st.booleans())
headshot = st.fixed_dictionaries(
    {"storageId": texts(5), "url": texts(5)},
    optional={"position": positions, "title": anything},
)
heights = st.one_of(
    st.sampled_from(["5'7\"", "5'7", "\uff15'7\"", "99'1", "6'11\"", "5 ft"]),
    st.integers(0, 130),
    st.floats(),
    st.fixed_dictionaries({"feet": st.integers(0, 9), "inches": st.integers(0, 11)}),
    anything,
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "displayName": texts(20),
    "bio": texts(40),
    "headshots": st.lists(st.one_of(headshot, anything), max_size=4),
    "attributes": st.fixed_dictionaries(
        {"height": heights}, optional={"hairColor": texts(5), "a.b": anything}
    ),
    "sizing": st.dictionaries(keys, st.one_of(texts(3), st.integers(0, 20)), max_size=3),
    "resume": st.fixed_dictionaries(
        {}, optional={"skills": st.lists(texts(5), max_size=3), "$x": anything}
    ),
    "links": st.lists(
        st.one_of(
            st.fixed_dictionaries({"label": texts(5), "url": texts(9)}),
            anything,
        ),
        max_size=3,
    ),
    "sagAftraId": st.sampled_from(["", "123", " 1 "]),
    "companyName": st.sampled_from(["", "Company", " Co "]),
    "workLocation": st.one_of(
        st.sampled_from(["Berlin, New York", " , ", "Paris"]),
        st.lists(texts(6), max_size=3),
    ),
    "training": st.lists(
        st.one_of(st.fixed_dictionaries({"name": texts(5)}), anything), max_size=3
    ),
    "representationStatus": st.sampled_from(["represented", " Seeking ", "agent", ""]),
    "representation": st.dictionaries(keys, anything, max_size=3),
    "searchPattern": texts(12),
}
RECOGNISED_TYPES = ["dancer", "choreographer", " Dancer ", "CHOREOGRAPHER", "dancer\u00a0"]
# mostly a type the rules recognise, so that most users are migrated: `one_of` would
# give each of the scalars' branches the same weight as the whole list
profile_types = st.integers(0, 9).flatmap(
    lambda n: (
        st.sampled_from(RECOGNISED_TYPES)
        if n < 7
        else st.sampled_from(["singer", ""])
        if n < 8
        else scalars
    )
)


@st.composite
def legacy_users(draw: st.DrawFn) -> list[dict[str, Any]]:
    users = []
    for number in range(draw(st.integers(1, 5))):
        oid = ObjectId()
        user: dict[str, Any] = {"_id": oid}
        auth_id = draw(st.sampled_from(["usable", "usable", "missing", "null", "empty", "odd"]))
        if auth_id != "missing":
            user["authId"] = {
                "usable": f"prop-{oid}",
                "null": None,
                "empty": "",
                "odd": Int64(number),
            }[auth_id]
        if draw(st.integers(0, 9)) < 8:
            user["profileType"] = draw(profile_types)
        for field in LEGACY_FIELDS[1:]:
            choice = draw(st.sampled_from(["missing", "missing", "plausible", "plausible", "any"]))
            if choice == "plausible":
                user[field] = draw(PLAUSIBLE[field])
            elif choice == "any":
                user[field] = draw(anything)
        for field in ("fullName", "email", "_creationTime", "createdAt", "updatedAt"):
            if draw(st.booleans()):
                user[field] = draw(
                    st.one_of(
                        datetimes,
                        st.floats(),
                        st.integers(0, 2**53).map(float),
                        texts(6),
                        anything,
                    )
                )
        user["onboardingComplete"] = draw(st.one_of(st.booleans(), scalars))
        for field in REFERENCES:  # what a half-applied earlier attempt left
            choice = draw(st.sampled_from(["missing", "missing", "null", "value"]))
            if choice == "null":
                user[field] = None
            elif choice == "value":
                user[field] = draw(
                    st.sampled_from(["dancer", "Dancer ", "choreographer"]) | st.builds(ObjectId)
                )
        unknown = draw(st.dictionaries(keys, anything, max_size=2))
        user.update({k: v for k, v in unknown.items() if k not in user and k != "_id"})
        users.append(user)
    return users


@st.composite
def legacy_records(draw: st.DrawFn, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    records = []
    for _ in range(draw(st.integers(0, 4))):
        owner = draw(st.sampled_from(users))["_id"]
        record: dict[str, Any] = {"_id": ObjectId(), "title": draw(texts(8))}
        reference = draw(st.sampled_from(["id", "id", "id", "string", "list", "missing"]))
        if reference != "missing":
            record["userId"] = {
                "id": owner,
                "string": str(owner),
                "list": [owner],
            }[reference]
        linked = draw(st.sampled_from(["missing", "missing", "null", "stale"]))
        if linked != "missing":
            record["profileId"] = None if linked == "null" else ObjectId()
        extra = draw(st.dictionaries(keys, anything, max_size=2))
        record.update({k: v for k, v in extra.items() if k not in record})
        records.append(record)
    return records


@st.composite
def legacy_sets(draw: st.DrawFn) -> dict[str, Any]:
    users = draw(legacy_users())
    return {
        "users": users,
        "projects": draw(legacy_records(users)),
        "training": draw(legacy_records(users)),
        "bypassed": draw(
            st.lists(st.tuples(st.sampled_from(PROFILE_FIELDS), anything), max_size=2)
        ),
    }


# -- checking ------------------------------------------------------------------------

Db = Any


def exact(value: Any) -> bytes:
    """A value as BSON bytes: equal exactly when types, values and key order are."""
    return bson.encode({"v": value})


async def raw_documents(db: Db, collection: str) -> dict[Any, dict[str, bytes]]:
    """Every document of `collection`, each field as its exact bytes (top-level order
    aside: `$set` appends the fields it restores)."""
    raw = db.client.get_database(
        db.name, codec_options=bson.CodecOptions(document_class=RawBSONDocument)
    )[collection]
    found: dict[Any, dict[str, bytes]] = {}
    async for document in raw.find({}):
        decoded = bson.decode(document.raw, codec_options=db.codec_options)
        found[canonical(decoded["_id"])] = {
            key: exact(value)
            for key, value in bson.decode(
                document.raw, codec_options=bson.CodecOptions(document_class=dict)
            ).items()
        }
    return found


def differences(
    before: dict[Any, dict[str, bytes]], after: dict[Any, dict[str, bytes]]
) -> dict[Any, dict[str, tuple[Any, Any]]]:
    """What differs between two `raw_documents`, decoded, by document and field."""
    found: dict[Any, dict[str, tuple[Any, Any]]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        changed = {
            field: (
                bson.decode(old[field])["v"] if field in old else "ABSENT",
                bson.decode(new[field])["v"] if field in new else "ABSENT",
            )
            for field in old.keys() | new.keys()
            if old.get(field) != new.get(field)
        }
        if changed:
            found[key] = changed
    return found


def leaves(value: Any) -> list[str]:
    """The scalars inside `value`, each as canonical Extended JSON."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [canonical(value)]


async def everywhere(db: Db) -> set[str]:
    """Every scalar stored in the users, the profiles, the issues and the backups."""
    found: set[str] = set()
    for collection in (
        "users",
        "dancers",
        "choreographers",
        "migration_issues",
        "legacy_user_backup",
    ):
        async for document in db[collection].find({}):
            found.update(leaves(document))
    return found


async def read_everything(db: Db, settings_: Settings, users: list[dict[str, Any]]) -> None:
    """Every drawn user's account, profiles and public views: never a 500."""
    await bind_documents(db)
    app = create_app(settings_, expected_migrations=EXPECTED_MIGRATIONS)
    async with AsyncTestClient(app=app) as client:
        for user in users:
            auth_id = user.get("authId")
            paths = []
            if isinstance(auth_id, str) and auth_id:
                headers = auth(auth_id)
                paths += [("/v1/me", headers), ("/v1/me/profiles", headers)]
            for kind in ("dancers", "choreographers"):
                profile = await db[kind].find_one({"userId": user["_id"]}, {"_id": 1})
                if profile is not None:
                    path = f"/v1/{kind}/{profile['_id']}"
                    paths += [(path, auth("prop-stranger")), (path, auth("prop-admin", admin=True))]
            for path, headers in paths:
                response: httpx.Response = await client.get(path, headers=headers)
                assert response.status_code < 500, (path, response.text)


async def check(example: dict[str, Any], url: str) -> None:
    name = f"prop_{uuid.uuid4().hex[:10]}"
    client: AsyncMongoClient[MongoDocument] = create_client(url, 5000)
    db = client[name]

    def quiet(**options: Any) -> RunOptions:
        return RunOptions(say=lambda line: None, batch_size=2, **options)

    try:
        for collection in ("users", "projects", "training"):
            if example[collection]:
                await db[collection].insert_many([dict(d) for d in example[collection]])
        before = {c: await raw_documents(db, c) for c in ("users", "projects", "training")}
        runner = Runner(db)
        await runner.up(quiet(dry_run=True))
        await runner.up(quiet())
        assert [m.describe() for m in await find_mismatches(db)] == []

        # a write that bypassed the service: the legacy side is newer, the repair
        # brings the profile to it (or records what it cannot hold)
        bypassed = [u for u in example["users"] if await _has_profile(db, u["_id"])]
        for user, (field, value) in zip(bypassed, example["bypassed"], strict=False):
            newer = datetime.now(UTC) + timedelta(days=1)
            await db.users.update_one(
                {"_id": user["_id"]},
                [{"$set": {field: {"$literal": value}, "updatedAt": newer}}],
            )
            stored = (await raw_documents(db, "users"))[canonical(user["_id"])]
            for changed in (field, "updatedAt"):
                before["users"][canonical(user["_id"])][changed] = stored[changed]
        legacy_values = {leaf for u in before["users"].values() for leaf in _legacy_leaves(u)}
        mismatches = await find_mismatches(db)
        if mismatches:
            mismatched: dict[ObjectId, list[str]] = {}
            for mismatch in mismatches:
                mismatched.setdefault(mismatch.user_id, []).append(mismatch.field)
            await bind_documents(db)
            await repair_mismatches(mismatched)
        assert [m.describe() for m in await find_mismatches(db)] == []
        assert legacy_values <= await everywhere(db)  # the repair destroyed nothing
        # nor wrote over a legacy field (the references are the migration's to set)
        changed = differences(before["users"], await raw_documents(db, "users"))
        assert {k: v.keys() - set(REFERENCES) for k, v in changed.items()} == {
            k: set() for k in changed
        }

        settings_ = Settings(mongodb_url=url, db_name=name, jwt_secret=SecretStr(TEST_SECRET))
        await read_everything(db, settings_, example["users"])

        await db.feature_flags.update_one(
            {"_id": "rollout"},
            {"$set": {"dualWrite": False, "readSource": "profiles"}},
            upsert=True,
        )
        await runner.up(quiet(allow_destructive=True))
        backups = {canonical(b["_id"]): b["fields"] async for b in db.legacy_user_backup.find()}
        for user_id, fields in before["users"].items():
            removed = {k: v for k, v in fields.items() if k in LEGACY_FIELDS}
            kept = {k: exact(v) for k, v in backups.get(user_id, {}).items()}
            assert kept == removed, user_id
        assert legacy_values <= await everywhere(db)
        await read_everything(db, settings_, example["users"])

        await runner.down(quiet(to=0, force=True))
        for collection in ("users", "projects", "training"):
            after = await raw_documents(db, collection)
            assert differences(before[collection], after) == {}, collection
        left = {c: await db[c].count_documents({}) for c in await db.list_collection_names()}
        ours = ("users", "projects", "training", "feature_flags", "migration_lock")
        leftover = {c: n for c, n in left.items() if n and c not in ours}
        assert leftover == {}, [d for c in leftover for d in await db[c].find({}).to_list()]
    finally:
        await client.drop_database(name)
        await client.close()


async def _has_profile(db: Db, user_id: ObjectId) -> bool:
    for kind in ("dancers", "choreographers"):
        if await db[kind].find_one({"userId": user_id}, {"_id": 1}):
            return True
    return False


def _legacy_leaves(fields: dict[str, bytes]) -> list[str]:
    return [
        leaf
        for key, value in fields.items()
        if key in LEGACY_FIELDS
        for leaf in leaves(bson.decode(value)["v"])
    ]


def test_legacy_data_of_any_type_shape_and_size(mongodb_url: str) -> None:
    @seed(int(os.environ.get("PROFILES_PROPERTY_SEED", "18")))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=DirectoryBasedExampleDatabase(FOUND),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        # an example costs a whole migration: shrinking one takes minutes, and a
        # failing example is small enough to read as drawn
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @given(legacy_sets())
    def run(example: dict[str, Any]) -> None:
        note(repr(example))
        asyncio.run(check(example, mongodb_url))

    run()
