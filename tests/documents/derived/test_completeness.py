"""Profile completeness: each section adds its whole weight or nothing; 0 to 100."""

from typing import Any

import pytest

from documents.derived.completeness import WEIGHTS, compute_completeness
from documents.vocabulary import ProfileType

PROFILE_TYPES: list[ProfileType] = ["dancer", "choreographer"]

# The least that completes each section: (profile fields, project count, training count).
SECTION_INPUTS: dict[str, tuple[dict[str, Any], int, int]] = {
    "displayName": ({"displayName": "Kira Martin"}, 0, 0),
    "bio": ({"bio": "Trained at Juilliard."}, 0, 0),
    "headshots": ({"headshots": [{"url": "https://cdn.example.test/h/1.jpg"}]}, 0, 0),
    "attributes": (
        {"attributes": {"gender": "female", "height": {"feet": 5, "inches": 7}, "birthYear": 1994}},
        0,
        0,
    ),
    "sizing": ({"sizing": {"shirt": "M", "shoe": 8.5, "waist": 25}}, 0, 0),
    "danceStyles": ({"resume": {"danceStyles": ["house"]}}, 0, 0),
    "skills": ({"resume": {"skills": ["stilts"]}}, 0, 0),
    "links": ({"links": [{"label": "Site", "url": "https://example.test"}]}, 0, 0),
    "workLocation": ({"workLocation": ["Berlin"]}, 0, 0),
    "training": ({"training": [{"name": "Alvin Ailey", "type": "class"}]}, 0, 0),
    "representation": ({"representationStatus": "seeking"}, 0, 0),
    "companyName": ({"companyName": "The Lab"}, 0, 0),
    "projects": ({}, 1, 0),
    "videos": ({"videos": [{"id": "v", "url": "https://video.example.test/1"}]}, 0, 0),
    "availability": (
        {"availability": [{"id": "a", "start": "2026-12-01", "end": "2026-12-02"}]},
        0,
        0,
    ),
    "portfolio": ({"portfolio": [{"id": "p", "title": "Tour"}]}, 0, 0),
    "rateCards": ({"rateCards": [{"id": "r", "service": "Class", "amount": 50}]}, 0, 0),
    "workshops": (
        {"workshops": [{"id": "w", "title": "Heels", "startDate": "2027-01-01"}]},
        0,
        0,
    ),
}
NEW_SECTIONS: dict[ProfileType, list[str]] = {
    "dancer": ["videos", "availability"],
    "choreographer": ["portfolio", "rateCards", "workshops"],
}

FULL_DANCER: dict[str, Any] = {
    "displayName": "Kira Martin",
    "bio": "Trained at Juilliard.",
    "headshots": [{"url": "https://cdn.example.test/h/1.jpg"}],
    "attributes": {"gender": "female", "height": {"feet": 5, "inches": 7}, "birthYear": 1994},
    "sizing": {"shirt": "M", "shoe": 8.5, "waist": 25},
    "resume": {"danceStyles": ["house"], "skills": ["stilts"]},
    "links": [{"label": "Site", "url": "https://example.test"}],
    "workLocation": ["Berlin"],
    "training": [{"name": "Alvin Ailey", "type": "class"}],
    "representationStatus": "independent",
    **SECTION_INPUTS["videos"][0],
    **SECTION_INPUTS["availability"][0],
}
FULL_CHOREOGRAPHER: dict[str, Any] = {
    "displayName": "Gina Ivanova",
    "bio": "Creative director.",
    "headshots": [{"url": "https://cdn.example.test/h/2.jpg"}],
    "resume": {"danceStyles": ["locking"]},
    "links": [{"label": "Reel", "url": "https://video.example.test/x"}],
    "workLocation": ["Atlanta"],
    "training": [{"name": "Broadway Dance Center"}],
    "companyName": "The Lab",
    **SECTION_INPUTS["portfolio"][0],
    **SECTION_INPUTS["rateCards"][0],
    **SECTION_INPUTS["workshops"][0],
}
FULL_PROFILES: dict[ProfileType, dict[str, Any]] = {
    "dancer": FULL_DANCER,
    "choreographer": FULL_CHOREOGRAPHER,
}


def sections_of_type() -> list[tuple[ProfileType, str]]:
    return [(kind, section) for kind in PROFILE_TYPES for section in WEIGHTS[kind]]


def sections_of_other_type() -> list[tuple[ProfileType, str]]:
    return [
        (kind, section)
        for kind in PROFILE_TYPES
        for section in SECTION_INPUTS
        if section not in WEIGHTS[kind]
    ]


def test_every_section_has_an_input_here() -> None:
    assert set(WEIGHTS["dancer"]) | set(WEIGHTS["choreographer"]) == set(SECTION_INPUTS)


@pytest.mark.parametrize("profile_type", PROFILE_TYPES)
def test_weights_sum_to_100(profile_type: ProfileType) -> None:
    assert sum(WEIGHTS[profile_type].values()) == 100


@pytest.mark.parametrize("profile_type", PROFILE_TYPES)
def test_empty_profile_scores_zero_with_every_section_missing(profile_type: ProfileType) -> None:
    result = compute_completeness(profile_type, {})

    assert result.score == 0
    assert result.missing == list(WEIGHTS[profile_type])


@pytest.mark.parametrize("profile_type", PROFILE_TYPES)
def test_full_profile_scores_100(profile_type: ProfileType) -> None:
    result = compute_completeness(profile_type, FULL_PROFILES[profile_type], project_count=2)

    assert result.score == 100
    assert result.missing == []


@pytest.mark.parametrize(("profile_type", "section"), sections_of_type())
def test_each_section_adds_exactly_its_weight(profile_type: ProfileType, section: str) -> None:
    fields, projects, training = SECTION_INPUTS[section]

    result = compute_completeness(
        profile_type, fields, project_count=projects, training_count=training
    )

    assert result.score == WEIGHTS[profile_type][section]
    assert result.missing == [name for name in WEIGHTS[profile_type] if name != section]


@pytest.mark.parametrize(("profile_type", "section"), sections_of_other_type())
def test_sections_of_the_other_type_add_nothing(profile_type: ProfileType, section: str) -> None:
    fields, projects, training = SECTION_INPUTS[section]

    result = compute_completeness(
        profile_type, fields, project_count=projects, training_count=training
    )

    assert result.score == 0


@pytest.mark.parametrize("profile_type", PROFILE_TYPES)
@pytest.mark.parametrize(
    ("project_count", "training_count", "projects", "training"),
    [
        (0, 0, False, False),
        (1, 0, True, False),
        (7, 0, True, False),
        (0, 1, False, True),
        (0, 3, False, True),
        (2, 2, True, True),
    ],
)
def test_sub_record_counts_count(
    profile_type: ProfileType,
    project_count: int,
    training_count: int,
    projects: bool,
    training: bool,
) -> None:
    result = compute_completeness(
        profile_type, {}, project_count=project_count, training_count=training_count
    )

    weights = WEIGHTS[profile_type]
    assert result.score == projects * weights["projects"] + training * weights["training"]


@pytest.mark.parametrize("profile_type", PROFILE_TYPES)
def test_full_profile_without_projects_misses_only_projects(profile_type: ProfileType) -> None:
    result = compute_completeness(profile_type, FULL_PROFILES[profile_type])

    assert result.score == 100 - WEIGHTS[profile_type]["projects"]
    assert result.missing == ["projects"]


@pytest.mark.parametrize("section", ["displayName", "bio", "companyName"])
@pytest.mark.parametrize("blank", ["", " ", "\t\n  ", None])
def test_blank_strings_do_not_count(section: str, blank: str | None) -> None:
    profile = {**FULL_CHOREOGRAPHER, section: blank}

    result = compute_completeness("choreographer", profile, project_count=1)

    assert result.score == 100 - WEIGHTS["choreographer"][section]
    assert result.missing == [section]


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        ("attributes", {"attributes": {"gender": "female", "height": {"feet": 5, "inches": 7}}}),
        ("attributes", {"attributes": {"gender": "", "height": {"feet": 5}, "birthYear": 1994}}),
        ("attributes", {"attributes": {"gender": "male", "height": None, "birthYear": 1990}}),
        ("sizing", {"sizing": {"shirt": "M", "shoe": 8.5}}),
        ("sizing", {"sizing": {"shirt": "M", "shoe": 8.5, "waist": None, "hips": ""}}),
        ("headshots", {"headshots": []}),
        ("links", {"links": None}),
        ("danceStyles", {"resume": {"danceStyles": [], "skills": []}}),
        ("training", {"training": []}),
        ("representation", {"representationStatus": None}),
    ],
)
def test_partly_filled_sections_do_not_count(section: str, fields: dict[str, Any]) -> None:
    result = compute_completeness("dancer", fields)

    assert result.score == 0
    assert section in result.missing


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        ("workLocation", {"workLocation": ["", "  "]}),
        ("danceStyles", {"resume": {"danceStyles": [" "]}}),
        ("links", {"links": [{"label": " ", "url": ""}]}),
        ("sizing", {"sizing": {"shirt": " ", "pants": "", "shoe": 9}}),
        ("attributes", {"attributes": {"gender": " ", "height": {"feet": 5}, "birthYear": 1990}}),
    ],
)
def test_blank_entries_do_not_count(section: str, fields: dict[str, Any]) -> None:
    assert section in compute_completeness("dancer", fields).missing
