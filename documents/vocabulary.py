"""The closed sets of words stored values use: profile types, representation statuses,
and the words of the phase-6 sections, as types (and, where code walks them, tuples)."""

from typing import Literal, get_args

ProfileType = Literal["dancer", "choreographer"]
PROFILE_TYPES: tuple[ProfileType, ...] = get_args(ProfileType)
"""`dancer`, then `choreographer`."""

RepresentationStatus = Literal["represented", "seeking", "independent"]
REPRESENTATION_STATUSES: tuple[RepresentationStatus, ...] = get_args(RepresentationStatus)

AvailabilityStatus = Literal["available", "booked", "tentative"]
StyleLevel = Literal["beginner", "intermediate", "advanced", "professional"]
AuditionOutcome = Literal["pending", "callback", "booked", "not_selected"]
RateUnit = Literal["hour", "day", "session", "project"]


def other_profile_type(profile_type: ProfileType) -> ProfileType:
    """The type a person's second profile has."""
    return "choreographer" if profile_type == "dancer" else "dancer"
