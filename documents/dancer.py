"""The `dancers` collection."""

from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel

from documents.embedded import Attributes, ProfileType, Representation, RepresentationStatus, Sizing
from documents.profile_base import ProfileDocument


class Dancer(ProfileDocument):
    """A dancer profile: at most one per user (unique `userId`)."""

    profile_type: ClassVar[ProfileType] = "dancer"

    attributes: Attributes | None = None
    sizing: Sizing | None = None
    sagAftraId: str | None = None
    representationStatus: RepresentationStatus | None = None
    representation: Representation | None = None

    class Settings:
        name = "dancers"
        use_revision = False
        indexes = [
            IndexModel([("userId", ASCENDING)], name="userId_unique", unique=True),
            IndexModel([("userId", ASCENDING), ("isActive", ASCENDING)], name="userId_isActive"),
            IndexModel(
                [("listed", ASCENDING), ("completeness", DESCENDING), ("_id", ASCENDING)],
                name="listed_completeness",
            ),
            IndexModel(
                [
                    ("listed", ASCENDING),
                    ("searchTokens", ASCENDING),
                    ("completeness", DESCENDING),
                    ("_id", ASCENDING),
                ],
                name="search_tokens",
            ),
        ]
