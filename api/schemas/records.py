"""Request and response bodies of a profile's project and training records.

A creation body requires the record's name (`title`, `name`); a change body is a JSON
merge patch where every field is optional and `null` clears it (the service refuses to
clear the name). Unknown fields, the server-owned ids among them, are a 422.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import INTEGRAL, HttpUrl, Name, RequestModel, ShortText, Title, not_null

Year = Annotated[int, Field(ge=1900, le=2100), INTEGRAL]
Instructors = Annotated[list[Title], Field(max_length=20)]


class ProjectIn(RequestModel):
    """A project credit."""

    title: Name
    type: ShortText | None = Field(default=None, description="e.g. film, tv, commercial")
    role: Title | None = None
    company: Title | None = None
    year: Year | None = None
    link: HttpUrl | None = Field(default=None, description="An http(s) URL")


class ProjectPatch(RequestModel):
    """A JSON merge patch of a project credit."""

    title: Name = not_null()
    type: ShortText | None = None
    role: Title | None = None
    company: Title | None = None
    year: Year | None = None
    link: HttpUrl | None = None


class TrainingIn(RequestModel):
    """A training record; `endYear` (none while it goes on) not before `startYear`."""

    name: Name
    type: ShortText | None = Field(default=None, description="e.g. class, company, degree")
    instructors: Instructors | None = None
    location: Title | None = None
    startYear: Year | None = None
    endYear: Year | None = None


class TrainingPatch(RequestModel):
    """A JSON merge patch of a training record."""

    name: Name = not_null()
    type: ShortText | None = None
    instructors: Instructors | None = None
    location: Title | None = None
    startYear: Year | None = None
    endYear: Year | None = None


class RecordOut(BaseModel):
    """Fields every record has; records carried over from legacy data may hold more."""

    model_config = ConfigDict(extra="allow")

    id: str
    profileId: str | None = None
    userId: str | None = None


class ProjectOut(RecordOut):
    title: str | None = None
    type: str | None = None
    role: str | None = None
    year: int | None = None
    company: str | None = None
    link: str | None = None


class TrainingOut(RecordOut):
    name: str | None = None
    type: str | None = None
    instructors: list[str] | None = None
    location: str | None = None
    startYear: int | None = None
    endYear: int | None = None


class ProjectList(BaseModel):
    """A profile's projects: newest `year` first (none last), then oldest record first."""

    items: list[ProjectOut]


class TrainingList(BaseModel):
    """A profile's training: latest `startYear` first (none last), then oldest first."""

    items: list[TrainingOut]


RecordModels = tuple[type[BaseModel], type[BaseModel], type[BaseModel], type[BaseModel]]

RECORD_MODELS: dict[str, RecordModels] = {
    "projects": (ProjectIn, ProjectPatch, ProjectOut, ProjectList),
    "training": (TrainingIn, TrainingPatch, TrainingOut, TrainingList),
}
"""Per record path: the creation body, the patch body, one record, the list."""
