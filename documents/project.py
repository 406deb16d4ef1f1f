"""The `projects` collection: a person's credits, linked to the user and a profile."""

from beanie import Document, PydanticObjectId
from pydantic import ConfigDict
from pymongo import ASCENDING, IndexModel

from documents.collections import PROJECTS


class Project(Document):
    """A project credit. `profileId` is added by the migration (plan 3.3)."""

    model_config = ConfigDict(extra="allow")

    userId: PydanticObjectId
    profileId: PydanticObjectId | None = None
    title: str | None = None
    type: str | None = None
    role: str | None = None
    year: int | None = None
    company: str | None = None
    link: str | None = None

    class Settings:
        name = PROJECTS
        use_revision = False
        indexes = [
            IndexModel([("userId", ASCENDING)], name="userId"),
            IndexModel([("profileId", ASCENDING)], name="profileId"),
        ]
