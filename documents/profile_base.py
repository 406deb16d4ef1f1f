"""Fields every profile document has, whatever its type."""

from datetime import datetime
from typing import ClassVar

from beanie import Document, PydanticObjectId
from pydantic import ConfigDict, Field
from pymongo import ASCENDING, IndexModel

from documents.clock import utc_now
from documents.embedded import Headshot, Link, Resume, TrainingSummary
from documents.vocabulary import ProfileType

PROFILE_INDEXES = [
    IndexModel([("userId", ASCENDING)], name="userId_unique", unique=True),
    IndexModel([("userId", ASCENDING), ("isActive", ASCENDING)], name="userId_isActive"),
    IndexModel([("listed", ASCENDING), ("rankKey", ASCENDING)], name="listed_rankKey"),
    IndexModel(
        [("listed", ASCENDING), ("searchTokens", ASCENDING), ("rankKey", ASCENDING)],
        name="listed_searchTokens_rankKey",
    ),
]
"""Indexes of both profile collections: one profile of each type per user, a user's
active profile, listings and search (an equality prefix, then the sort key, so mongod
returns a page in index order; one array field only: mongod refuses parallel arrays).
The migrations create them (`migrations/versions/0001_*`, `0006_*`)."""


class ProfileDocument(Document):
    """A dancer or choreographer profile; subclasses name the collection.

    `version` is incremented by every write (API, migrations, dual write) and is the
    ETag of the profile; Beanie's own revision ids are not used because bulk and raw
    writes bypass them.
    """

    model_config = ConfigDict(extra="allow")

    profile_type: ClassVar[ProfileType]

    userId: PydanticObjectId
    isActive: bool = False
    isPrimary: bool = False
    listed: bool = True
    displayName: str | None = None
    bio: str | None = None
    headshots: list[Headshot] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    workLocation: list[str] = Field(default_factory=list)
    training: list[TrainingSummary] = Field(default_factory=list)
    resume: Resume = Field(default_factory=Resume)
    completeness: int = 0
    searchTokens: list[str] = Field(default_factory=list)
    rankKey: str = ""
    derivedWith: str | None = None
    """The digest of the rules the derived fields were computed with
    (`documents.derived.rules`); None: before digests, or by a migration's own rules."""
    projectCount: int | None = None
    trainingCount: int | None = None
    """How many project and training records the profile has, kept with every record
    write (in its transaction) and by `derive`: what completeness counts, without a
    count of the records on every write. Trusted only with this release's `derivedWith`
    (None: not counted yet)."""
    createdAt: datetime = Field(default_factory=utc_now)
    updatedAt: datetime = Field(default_factory=utc_now)
    version: int = 1


# what a profile document holds besides the fields its owner edits
SERVER_FIELDS = frozenset(
    {
        "id",
        "revision_id",
        "userId",
        "isActive",
        "isPrimary",
        "completeness",
        "searchTokens",
        "rankKey",
        "derivedWith",
        "projectCount",
        "trainingCount",
        "createdAt",
        "updatedAt",
        "version",
        "verified",
        "verifiedAt",
        "verifiedBy",
    }
)
