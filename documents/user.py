"""The `users` collection: the account, the active-profile references and, during the
dual-write period, the legacy profile fields.

Never save a `User` whole: that would drop unknown legacy keys and retype values (ints
stored as doubles, `_creationTime`). Write users with targeted `$set` / `$unset` only.
"""

from datetime import datetime
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import ConfigDict, Field
from pymongo import ASCENDING, IndexModel

from documents.collections import USERS
from documents.vocabulary import ProfileType


class User(Document):
    """An account. `authId` is the identity provider's subject (the JWT `sub`)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    authId: str
    email: str | None = None
    fullName: str | None = None
    onboardingComplete: bool = False
    createdAt: datetime | None = None
    updatedAt: datetime | None = None
    creationTime: int | float | None = Field(default=None, alias="_creationTime")

    activeProfileType: ProfileType | None = None
    activeDancerId: PydanticObjectId | None = None
    activeChoreographerId: PydanticObjectId | None = None

    # legacy profile fields (dual-write period; `documents.legacy.fields`): raw and
    # dirty (casing drift, heights as strings, nulls), so typed loosely: the model must
    # load whatever is there and is never the writer of these
    profileType: Any = None
    displayName: Any = None
    bio: Any = None
    headshots: Any = None
    attributes: Any = None
    sizing: Any = None
    resume: Any = None
    links: Any = None
    sagAftraId: Any = None
    companyName: Any = None
    workLocation: Any = None
    training: Any = None
    representationStatus: Any = None
    representation: Any = None
    searchPattern: Any = None

    @property
    def oid(self) -> PydanticObjectId:
        """The `_id` of a stored user (always set once loaded from the database)."""
        if self.id is None:
            raise ValueError("this user has not been stored yet")
        return self.id

    class Settings:
        name = USERS
        use_revision = False
        indexes = [IndexModel([("authId", ASCENDING)], name="authId_unique", unique=True)]
