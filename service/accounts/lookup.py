"""Finding accounts: a caller's user document, as stored or as the `User` model."""

from documents import User
from service.platform.caller import Caller
from service.platform.db import MongoDocument, Session
from service.platform.errors import NotFound

NO_ACCOUNT = "there is no account for this token's subject; create one with POST /v1/me/onboarding"


async def find_user_document(auth_id: str, session: Session | None = None) -> MongoDocument | None:
    """The stored user document whose `authId` is `auth_id`, as it is (legacy keys too)."""
    raw: MongoDocument | None = await User.get_pymongo_collection().find_one(
        {"authId": auth_id}, session=session
    )
    return raw


async def find_user(auth_id: str, session: Session | None = None) -> User | None:
    """The account whose `authId` is `auth_id`, if any."""
    raw = await find_user_document(auth_id, session)
    return None if raw is None else User.model_validate(raw)


async def require_user_document(caller: Caller, session: Session | None = None) -> MongoDocument:
    """The caller's stored user document, or `NotFound` telling them to onboard first."""
    raw = await find_user_document(caller.auth_id, session)
    if raw is None:
        raise NotFound(NO_ACCOUNT)
    return raw


async def require_user(caller: Caller, session: Session | None = None) -> User:
    """The caller's account, or `NotFound` telling them to onboard first."""
    user: User = User.model_validate(await require_user_document(caller, session))
    return user
