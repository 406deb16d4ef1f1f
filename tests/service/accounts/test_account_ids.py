"""The remembered account ids: re-read before an owner could be taken for a stranger,
and never read again for a stranger to an older account."""

import datetime

from bson import ObjectId
from pymongo import AsyncMongoClient

from service.accounts.ids import SKEW_SECONDS, Known, own_account_among
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument
from service.profiles.access import sees_full_view
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile
from tests.api.deadline_helpers import CommandRecorder


def _made_ago(seconds: float) -> ObjectId:
    return ObjectId.from_datetime(
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
    )


def test_only_an_account_younger_than_what_is_remembered_may_be_the_callers() -> None:
    remembered = Known(ObjectId(), read_at=datetime.datetime.now(datetime.UTC).timestamp())
    assert not remembered.may_be_outdated_by(remembered.account_id)  # type: ignore[arg-type]
    assert not remembered.may_be_outdated_by(_made_ago(SKEW_SECONDS + 5))
    assert remembered.may_be_outdated_by(_made_ago(SKEW_SECONDS - 5))  # a fast clock elsewhere
    assert remembered.may_be_outdated_by(ObjectId())
    assert Known(None, remembered.read_at).may_be_outdated_by(ObjectId())


async def test_an_owner_whose_account_was_made_again_elsewhere_sees_the_full_view(
    database: Database, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    """Forced interleaving: this process remembers the caller's account; another replica
    then erases it and the caller onboards again there (nothing tells this process). The
    caller's new profile is theirs here at once, not a stranger's public view."""
    caller = Caller("made-again")
    first = await complete_onboarding(caller, "dancer", None, "First Go", {})
    old_account = await raw_client[settings.db_name].users.find_one({"authId": "made-again"})
    assert old_account is not None
    assert await own_account_among(caller.auth_id, {old_account["_id"]}) == old_account["_id"]

    # another replica: erasure (by hand: the service's own would forget it here too) and a
    # new onboarding
    await raw_client[settings.db_name].users.delete_one({"_id": old_account["_id"]})
    await raw_client[settings.db_name].dancers.delete_one({"_id": ObjectId(first.view["id"])})
    again = await complete_onboarding(caller, "dancer", None, "Second Go", {})

    profile = await load_profile(kind_of("dancer"), str(again.view["id"]))
    assert profile.userId != old_account["_id"]
    assert await sees_full_view(caller, profile)


async def test_a_stranger_to_an_older_account_is_not_read_again(
    recorder: CommandRecorder, database: Database
) -> None:
    """Once remembered, a caller with an account, and a caller with none, cost no read
    for the profiles of accounts made before (a minute here); a young account costs one."""
    await complete_onboarding(Caller("has-one"), "dancer", None, "Has One", {})
    older = {_made_ago(60), _made_ago(3600)}
    for subject in ("has-one", "has-none"):
        assert await own_account_among(subject, older) is None  # remembered from here
        recorder.commands = []
        for _ in range(3):
            assert await own_account_among(subject, older) is None
        assert recorder.names() == [], subject
        assert await own_account_among(subject, {ObjectId()}) is None
        assert recorder.names() == ["find"], subject
