"""The `users` collection: the account, the active-profile references and, during the
dual-write period, the legacy profile fields.

Never save a `User` whole: that would drop unknown legacy keys and retype values (ints
stored as doubles, `_creationTime`). Write users with targeted `$set` / `$unset` only.
"""

import math
from datetime import datetime
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pymongo import ASCENDING, IndexModel

from documents.collections import USERS
from documents.vocabulary import ProfileType

USABLE_OR_ABSENT = (
    "email",
    "fullName",
    "createdAt",
    "updatedAt",
    "creationTime",
    "activeProfileType",
    "activeDancerId",
    "activeChoreographerId",
)
"""Account fields the service reads through the model: a value of another type reads as
absent."""


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

    @field_validator(*USABLE_OR_ABSENT, mode="wrap")
    @classmethod
    def _unusable_reads_as_absent(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A stored value of another type (legacy data: a number as a name, a Regex as an
        email, NaN as a creation time, `"Dancer "` as the active profile type) reads as
        absent, so the account is still read; the stored value itself stays as it is
        (users are written with targeted updates only)."""
        if isinstance(value, float) and not math.isfinite(value):
            return None
        try:
            return handler(value)
        except ValidationError:
            return None

    @field_validator("onboardingComplete", mode="wrap")
    @classmethod
    def _not_a_bool_is_not_complete(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            return False

    @property
    def oid(self) -> PydanticObjectId:
        """The `_id` of a stored user (always set once loaded from the database)."""
        if self.id is None:
            raise ValueError("this user has not been stored yet")
        return self.id

    class Settings:
        name = USERS
        use_revision = False
        indexes = [
            IndexModel(
                [("authId", ASCENDING)],
                name="authId_unique",
                unique=True,
                # legacy users without a usable `authId` do not count as sharing one
                partialFilterExpression={"authId": {"$type": "string", "$gt": ""}},
            )
        ]
