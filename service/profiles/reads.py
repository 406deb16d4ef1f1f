"""Reading profile documents: by id, by owner, the active one, and what they count."""

from beanie import PydanticObjectId
from bson import ObjectId
from bson.errors import InvalidId

from documents import Project, Training, User
from documents.profile_base import ProfileDocument
from service.platform.db import MongoDocument, Session
from service.platform.errors import NotFound
from service.profiles.kinds import ProfileKind, kind_of


def parse_object_id(value: str, what: str) -> PydanticObjectId:
    """`value` as an ObjectId; a malformed id is a 404 (it names nothing)."""
    try:
        return PydanticObjectId(ObjectId(value))
    except (InvalidId, TypeError) as error:
        raise NotFound(f"no {what} with id {value!r}") from error


DISPLAY_PROJECTION: MongoDocument = {"searchTokens": 0}
"""What a read for display leaves out: the search tokens, half of a profile's size, which
no view shows (`service.profiles.visibility.INTERNAL_FIELDS`)."""


async def load_profile(
    kind: ProfileKind,
    profile_id: str | ObjectId,
    session: Session | None = None,
    *,
    projection: MongoDocument | None = None,
) -> ProfileDocument:
    """The profile of `kind` with this id, or `NotFound`. With `DISPLAY_PROJECTION` it is
    only to be shown, never written back (its `searchTokens` are empty)."""
    oid = parse_object_id(profile_id, kind.name) if isinstance(profile_id, str) else profile_id
    raw = await kind.document.get_pymongo_collection().find_one(
        {"_id": oid}, projection, session=session
    )
    if raw is None:
        raise NotFound(f"no {kind.name} profile with id {str(profile_id)!r}")
    return as_profile(kind, raw)


async def find_profile_of_user(
    kind: ProfileKind, user_id: ObjectId, session: Session | None = None
) -> ProfileDocument | None:
    """The user's profile of `kind`, if they have one."""
    raw = await kind.document.get_pymongo_collection().find_one(
        {"userId": user_id}, session=session
    )
    return None if raw is None else as_profile(kind, raw)


async def owner_auth_id(profile: ProfileDocument, session: Session | None = None) -> str | None:
    """The `authId` of the profile's owner (None if the user record is gone)."""
    raw = await User.get_pymongo_collection().find_one(
        {"_id": profile.userId}, {"authId": 1}, session=session
    )
    return None if raw is None else raw.get("authId")


async def sub_record_counts(
    profile_id: ObjectId, session: Session | None = None
) -> tuple[int, int]:
    """How many project and training records the profile has."""
    projects = await Project.get_pymongo_collection().count_documents(
        {"profileId": profile_id}, session=session
    )
    training = await Training.get_pymongo_collection().count_documents(
        {"profileId": profile_id}, session=session
    )
    return projects, training


def as_profile(kind: ProfileKind, raw: MongoDocument) -> ProfileDocument:
    """A stored profile document of `kind` as its model."""
    profile: ProfileDocument = kind.document.model_validate(raw)
    return profile


async def active_profile_of(user: User, session: Session | None = None) -> ProfileDocument | None:
    """The user's active profile, as the user document names it."""
    if user.activeProfileType is None:
        return None
    return await find_profile_of_user(kind_of(user.activeProfileType), user.oid, session)
