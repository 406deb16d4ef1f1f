"""The document models load legacy and migrated data without losing or retyping anything.

LEGACY.md: unknown keys (`legacyFlags`) and `_creationTime` belong to the user and stay;
ints stay ints and floats stay floats; a migrated profile keeps a 12,000-character bio
and unknown nested keys. The legacy sample is `tests/fixtures/legacy-small/`.
"""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId, json_util
from pydantic import BaseModel, ValidationError
from pymongo import AsyncMongoClient

from documents import Choreographer, Dancer, Project, Training, User
from documents.profile_base import ProfileDocument
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.fixtures import LEGACY_SMALL

LEGACY_DIR = LEGACY_SMALL

# Beanie documents validate only once bound to a database.
pytestmark = pytest.mark.usefixtures("database")


def load_legacy(name: str) -> list[MongoDocument]:
    """Every document of `<name>.jsonl`, or skip the test when the sample is absent."""
    path = LEGACY_DIR / f"{name}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    documents: list[MongoDocument] = [json_util.loads(line) for line in lines if line.strip()]
    return documents


def typed(value: Any) -> Any:
    """`value` with every leaf paired with its type, so that `1 == 1.0` no longer holds.

    ObjectId subclasses count as ObjectId; naive datetimes are UTC (what BSON stores).
    """
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, ObjectId):
        return ("ObjectId", str(value))
    if isinstance(value, datetime) and value.tzinfo is None:
        return ("datetime", value.replace(tzinfo=UTC))
    return (type(value).__name__, value)


def as_stored(model: BaseModel) -> dict[str, Any]:
    """What the model holds of its input, under the stored (aliased) names."""
    return model.model_dump(by_alias=True, exclude_unset=True)


@pytest.fixture(scope="module")
def legacy_users() -> list[MongoDocument]:
    return load_legacy("users")


@pytest.mark.parametrize(
    ("name", "model"),
    [("users", User), ("projects", Project), ("training", Training)],
)
def test_every_legacy_document_loads_unchanged(name: str, model: type[BaseModel]) -> None:
    raw_documents = load_legacy(name)
    assert raw_documents, f"{name}.jsonl is empty"
    errors: dict[str, str] = {}
    changed: list[str] = []
    for raw in raw_documents:
        try:
            loaded = model.model_validate(raw)
        except ValidationError as error:
            errors[str(raw["_id"])] = str(error)
            continue
        if typed(as_stored(loaded)) != typed(raw):
            changed.append(str(raw["_id"]))
    assert errors == {}
    assert changed == [], "keys, values or types changed on load"


def test_unknown_legacy_keys_survive(legacy_users: list[MongoDocument]) -> None:
    flagged = [raw for raw in legacy_users if "legacyFlags" in raw]
    assert flagged, "the sample should hold users with `legacyFlags`"
    for raw in flagged:
        user = User.model_validate(raw)
        assert user.model_extra is not None
        assert user.model_extra["legacyFlags"] == raw["legacyFlags"]
        assert as_stored(user)["legacyFlags"] == raw["legacyFlags"]


def test_creation_time_survives_as_float(legacy_users: list[MongoDocument]) -> None:
    for raw in legacy_users:
        user = User.model_validate(raw)
        assert type(user.creationTime) is float
        assert user.creationTime == raw["_creationTime"]
        assert "_creationTime" in as_stored(user)


def test_legacy_ints_and_floats_keep_their_types(legacy_users: list[MongoDocument]) -> None:
    seen: set[str] = set()
    for raw in legacy_users:
        stored = as_stored(User.model_validate(raw))
        for size, value in (raw.get("sizing") or {}).items():
            assert type(stored["sizing"][size]) is type(value), (raw["_id"], size)
            seen.add(type(value).__name__)
        height = (raw.get("attributes") or {}).get("height")
        assert type(stored.get("attributes", {}).get("height")) is type(height)
    assert {"int", "float", "str"} <= seen, "the sample should hold int, float and str sizes"


async def test_legacy_users_read_back_through_beanie(
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    legacy_users: list[MongoDocument],
) -> None:
    await raw_client[settings.db_name]["users"].insert_many(copy.deepcopy(legacy_users))

    users = await User.find_all().to_list()

    assert len(users) == len(legacy_users)
    by_id = {str(user.id): user for user in users}
    for raw in legacy_users:
        user = by_id[str(raw["_id"])]
        assert user.authId == raw["authId"]
        assert user.email == raw["email"]
        assert typed(as_stored(user)) == typed(raw)
    flagged = next(raw for raw in legacy_users if "legacyFlags" in raw)
    assert as_stored(by_id[str(flagged["_id"])])["legacyFlags"] == flagged["legacyFlags"]


LONG_BIO = "".join(f"Line {number:04d} of a legacy bio: stays whole.\n" for number in range(300))


def migrated_profile(**type_fields: Any) -> dict[str, Any]:
    """A profile as the migration writes it: values copied from a legacy user as they are."""
    return {
        "_id": ObjectId(),
        "userId": ObjectId(),
        "isActive": True,
        "isPrimary": True,
        "listed": True,
        "displayName": "Inès Müller",
        "bio": LONG_BIO,
        "headshots": [
            {
                "storageId": "kg28ca8181166d22876",
                "url": "https://cdn.example.test/h/e2254720771f.jpg",
                "title": "Smile",
                "position": 0,
                "uploadedAt": datetime(2024, 10, 30, 18, 0, 37, tzinfo=UTC),
                "cropBox": {"x": 12, "y": 4.5, "zoom": 1.25},
                "legacyLabel": "main",
            }
        ],
        "links": [{"label": "Instagram", "url": "https://instagram.example.test/x", "order": 2}],
        "workLocation": ["Berlin", "New York"],
        "training": [{"name": "Juilliard", "type": "class", "years": 3}],
        "resume": {
            "skills": ["stilts"],
            "danceStyles": ["k-pop", "house"],
            "uploads": [{"storageId": "kg2", "title": "CV", "pages": 2}],
        },
        "completeness": 85,
        "searchTokens": ["=ines", "i", "in", "ine", "ines"],
        "createdAt": datetime(2024, 9, 5, 8, 5, 12, tzinfo=UTC),
        "updatedAt": datetime(2024, 9, 5, 8, 5, 12, tzinfo=UTC),
        "version": 1,
        "legacyNote": {"importedFrom": "users", "batch": 7},
        **type_fields,
    }


DANCER_FIELDS: dict[str, Any] = {
    "attributes": {
        "gender": "female",
        "ethnicity": ["mixed"],
        "hairColor": "brown",
        "eyeColor": "green",
        "height": {"feet": 5, "inches": 7.5, "measuredBy": "agency"},
        "birthYear": 1994,
    },
    "sizing": {
        "shirt": "M",
        "pants": "26",
        "shoe": 8.5,
        "waist": 25,
        "chest": 34.5,
        "hips": 35,
        "inseam": 30,
    },
    "sagAftraId": "SAG-123",
    "representationStatus": "represented",
    "representation": {"agencyName": "Go 2 Talent", "agentName": "José", "fax": "none"},
}
CHOREOGRAPHER_FIELDS: dict[str, Any] = {"companyName": "The Lab", "verified": False}


@pytest.mark.parametrize(
    ("model", "type_fields"),
    [(Dancer, DANCER_FIELDS), (Choreographer, CHOREOGRAPHER_FIELDS)],
    ids=["dancer", "choreographer"],
)
def test_migrated_profile_loads_whole(
    model: type[ProfileDocument], type_fields: dict[str, Any]
) -> None:
    raw = migrated_profile(**type_fields)
    assert len(raw["bio"]) == 12_000

    profile = model.model_validate(raw)

    assert profile.bio == raw["bio"]
    assert profile.headshots[0].model_extra == {
        "cropBox": {"x": 12, "y": 4.5, "zoom": 1.25},
        "legacyLabel": "main",
    }
    assert typed(as_stored(profile)) == typed(raw)


def test_dancer_sizes_and_height_keep_int_and_float() -> None:
    dancer = Dancer.model_validate(migrated_profile(**DANCER_FIELDS))

    assert dancer.sizing is not None
    assert type(dancer.sizing.waist) is int
    assert type(dancer.sizing.hips) is int
    assert type(dancer.sizing.shoe) is float
    assert type(dancer.sizing.chest) is float
    assert dancer.sizing.pants == "26"
    assert dancer.attributes is not None
    assert dancer.attributes.height is not None
    assert type(dancer.attributes.height.feet) is int
    assert type(dancer.attributes.height.inches) is float
    assert dancer.attributes.height.model_extra == {"measuredBy": "agency"}
