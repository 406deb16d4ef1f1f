"""The `training` collection: full training records, linked to the user and a profile."""

from beanie import Document, PydanticObjectId
from pydantic import ConfigDict
from pymongo import ASCENDING, IndexModel

from documents.collections import TRAINING


class Training(Document):
    """A training record. `profileId` is added by the migration (plan 3.3)."""

    model_config = ConfigDict(extra="allow")

    userId: PydanticObjectId
    profileId: PydanticObjectId | None = None
    type: str | None = None
    name: str | None = None
    instructors: list[str] | None = None
    location: str | None = None
    startYear: int | None = None
    endYear: int | None = None

    class Settings:
        name = TRAINING
        use_revision = False
        indexes = [
            IndexModel([("userId", ASCENDING)], name="userId"),
            IndexModel([("profileId", ASCENDING)], name="profileId"),
        ]
