"""What dual write puts on the user: the old backend's search pattern and the `$set`."""

from bson import ObjectId

from documents.legacy.mapping import map_legacy_profile, normalise_profile_type
from documents.legacy.mirror import legacy_sets, search_pattern
from tests.factories.legacy import read_sample


def test_search_pattern_is_the_one_the_old_backend_stored() -> None:
    checked = 0
    for user in read_sample("users"):
        profile_type = normalise_profile_type(user.get("profileType"))
        if profile_type is None or "searchPattern" not in user:
            continue
        mapped, _ = map_legacy_profile(user, profile_type)
        assert search_pattern(mapped) == user["searchPattern"], user["_id"]
        checked += 1
    assert checked > 200


def test_search_pattern_skips_empty_parts() -> None:
    profile = {"displayName": "Gina Ivanova", "companyName": None, "workLocation": ["", "LA"]}
    assert search_pattern(profile) == "gina ivanova la"
    assert search_pattern({}) == ""


def test_legacy_sets_write_the_fields_of_the_type_and_fix_the_profile_type() -> None:
    profile = {
        "_id": ObjectId(),
        "displayName": "Gina",
        "companyName": "The Lab",
        "workLocation": ["Atlanta"],
        "completeness": 40,
        "isPrimary": True,
    }
    sets = legacy_sets("choreographer", profile, " Choreographer")
    assert sets.pop("updatedAt") is not None
    assert sets == {
        "displayName": "Gina",
        "companyName": "The Lab",
        "workLocation": ["Atlanta"],
        "searchPattern": "gina the lab atlanta",
    }
    assert legacy_sets("choreographer", profile, "dancer")["profileType"] == "choreographer"
    assert legacy_sets("choreographer", profile, None)["profileType"] == "choreographer"
