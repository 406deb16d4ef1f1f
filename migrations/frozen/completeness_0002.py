"""Profile completeness as scripts 0002 and 0003 computed it when they shipped (a frozen
copy, see `migrations.frozen`; 0008 rescored every profile with the weights of the
phase-6 sections): 0-100, from the profile's fields and its sub-record counts.

Weights (each section counts whole or not at all; they add up to 100):

| section | dancer | choreographer | complete when |
| --- | --- | --- | --- |
| displayName | 10 | 10 | non-blank |
| bio | 10 | 15 | non-blank |
| headshots | 20 | 20 | at least one |
| attributes | 10 | - | gender, height and birthYear set |
| sizing | 5 | - | at least three sizes set |
| danceStyles | 10 | 15 | at least one in the resume |
| skills | 5 | - | at least one in the resume |
| links | 5 | 10 | at least one |
| workLocation | 5 | 10 | at least one |
| training | 5 | 5 | an entry in the summary or a training record |
| representation | 5 | - | a representation status |
| companyName | - | 5 | non-blank |
| projects | 10 | 10 | at least one project record |
"""

from dataclasses import dataclass
from typing import Any

from migrations.frozen.profile_shapes_0002 import ProfileType

DANCER_WEIGHTS = {
    "displayName": 10,
    "bio": 10,
    "headshots": 20,
    "attributes": 10,
    "sizing": 5,
    "danceStyles": 10,
    "skills": 5,
    "links": 5,
    "workLocation": 5,
    "training": 5,
    "representation": 5,
    "projects": 10,
}
CHOREOGRAPHER_WEIGHTS = {
    "displayName": 10,
    "bio": 15,
    "headshots": 20,
    "danceStyles": 15,
    "links": 10,
    "workLocation": 10,
    "training": 5,
    "companyName": 5,
    "projects": 10,
}
WEIGHTS: dict[ProfileType, dict[str, int]] = {
    "dancer": DANCER_WEIGHTS,
    "choreographer": CHOREOGRAPHER_WEIGHTS,
}


@dataclass(frozen=True)
class Completeness:
    """A completeness score and the sections still missing."""

    score: int
    missing: list[str]


def _filled(value: Any) -> bool:
    """True for a value that says something: not None, not blank text, not a list or
    object of nothing but such values."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_filled(item) for item in value)
    if isinstance(value, dict):
        return any(_filled(item) for item in value.values())
    return True


def _section_done(
    section: str, profile: dict[str, Any], project_count: int, training_count: int
) -> bool:
    resume = profile.get("resume") or {}
    attributes = profile.get("attributes") or {}
    match section:
        case "displayName" | "bio" | "companyName" | "headshots" | "links" | "workLocation":
            return _filled(profile.get(section))
        case "attributes":
            return all(_filled(attributes.get(key)) for key in ("gender", "height", "birthYear"))
        case "sizing":
            sizing = profile.get("sizing") or {}
            return sum(1 for value in sizing.values() if _filled(value)) >= 3
        case "danceStyles" | "skills":
            return _filled(resume.get(section))
        case "training":
            return _filled(profile.get("training")) or training_count > 0
        case "representation":
            return profile.get("representationStatus") is not None
        case "projects":
            return project_count > 0
    raise ValueError(f"unknown completeness section {section!r}")


def compute_completeness(
    profile_type: ProfileType,
    profile: dict[str, Any],
    *,
    project_count: int = 0,
    training_count: int = 0,
) -> Completeness:
    """Score `profile` (a plain dict of its fields) with the weights of its type."""
    score = 0
    missing: list[str] = []
    for section, weight in WEIGHTS[profile_type].items():
        if _section_done(section, profile, project_count, training_count):
            score += weight
        else:
            missing.append(section)
    return Completeness(score=score, missing=missing)
