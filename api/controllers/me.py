"""`/v1/me`: the caller's account, onboarding, and their own profiles."""

from typing import Any

from litestar import Controller, delete, get, patch, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response import Response

from api.controllers.responses import ETAG, profile_response
from api.deps import CallerDep, IfMatchDep
from api.errors import problem_responses
from api.etag import etag_for
from api.openapi.links import profile_links
from api.schemas.profile_requests import (
    STARTER_KEYS,
    MePatch,
    NewProfile,
    Onboarding,
    SwitchProfile,
)
from api.schemas.responses import MeOut, MyProfileList, ProfileComparison, ProfileOut
from service.accounts.erasure import erase_account
from service.me.account import get_me, update_me
from service.me.comparison import compare_my_profiles
from service.me.onboarding import complete_onboarding
from service.me.profiles import (
    add_profile,
    get_my_active_profile,
    get_profile_switcher,
    switch_active_profile,
)
from service.profiles.results import AccountResult

OPTIONAL_ETAG = {"etag": "optional"}
"""The caller's account carries the active profile's ETag, when there is one."""


def _account_response(result: AccountResult) -> Response[Any]:
    headers = {} if result.version is None else {"ETag": etag_for(result.version)}
    return Response(result.view, headers=headers)


class MeController(Controller):
    path = "/v1/me"
    tags = ["me"]

    @get(
        "/",
        operation_id="getMe",
        summary="The caller's account and active profile",
        responses=problem_responses(404),
        opt=OPTIONAL_ETAG,
    )
    async def read_me(self, caller: CallerDep) -> Response[MeOut]:
        return _account_response(await get_me(caller))

    @patch(
        "/",
        operation_id="updateMe",
        opt=OPTIONAL_ETAG,
        summary="Update account fields and the active profile (JSON merge patch)",
        responses=problem_responses(404, 409, 412, 413, 422),
    )
    async def update_me(
        self, caller: CallerDep, data: JSONBody[MePatch], if_match: IfMatchDep
    ) -> Response[MeOut]:
        account = data.model_dump(exclude_unset=True, include={"email", "fullName"})
        profile = (
            data.activeProfile.model_dump(exclude_unset=True)
            if "activeProfile" in data.model_fields_set and data.activeProfile is not None
            else None
        )
        result = await update_me(caller, account, profile, if_match)
        return _account_response(result)

    @delete(
        "/",
        operation_id="deleteMe",
        summary="Erase the caller's account and everything of the person",
        description="The account, both profiles, their project and training records, and "
        "the migration records kept about the person, in one transaction. 204; 404 when "
        "there is no account.",
        responses=problem_responses(404, 409),
    )
    async def erase_me(self, caller: CallerDep) -> None:
        await erase_account(caller)

    @post(
        "/onboarding",
        operation_id="onboard",
        summary="Create the account if new and its first profile (idempotent: 200 if it exists)",
        description="201 with the new profile; 200 with the existing one when the account"
        " already has a profile of this type; 409 when it has only one of the other type.",
        responses={
            200: ResponseSpec(
                ProfileOut,  # type: ignore[arg-type]  # a union of models, as Litestar documents it
                description="The account already had this profile",
                generate_examples=False,
            ),
            **problem_responses(409, 413, 422),
        },
        opt={**ETAG, "links": profile_links()},
    )
    async def onboard(
        self,
        caller: CallerDep,
        data: JSONBody[Onboarding],
    ) -> Response[ProfileOut]:
        body = data.root
        fields = body.model_dump(exclude_unset=True, exclude={*STARTER_KEYS, "email", "fullName"})
        result = await complete_onboarding(
            caller,
            body.profileType,
            body.email,
            body.fullName,
            fields,
            template=body.template,
        )
        return profile_response(result)

    @get(
        "/profiles",
        operation_id="listMyProfiles",
        summary="All the caller's profiles, each with the completeness sections it misses",
        responses=problem_responses(404),
    )
    async def list_mine(self, caller: CallerDep) -> MyProfileList:
        results = await get_profile_switcher(caller)
        return {"items": [result.view for result in results], "nextCursor": None}  # type: ignore[return-value]

    @get(
        "/profiles/comparison",
        operation_id="compareMyProfiles",
        summary="The caller's dancer and choreographer profiles side by side",
        description="Each field both types have, with both values and whether they are the "
        "same. 409 unless the caller has both profiles.",
        responses=problem_responses(404, 409),
    )
    async def compare_mine(self, caller: CallerDep) -> ProfileComparison:
        return ProfileComparison.model_validate(await compare_my_profiles(caller))

    @post(
        "/profiles",
        operation_id="addProfile",
        opt={**ETAG, "links": profile_links()},
        summary="Add a profile of the other type",
        description="Its fields: the `template`'s, then those named in `copyFrom` from the "
        "caller's other profile, then the body's own on top.",
        responses=problem_responses(404, 409, 413, 422),
    )
    async def add_mine(self, caller: CallerDep, data: JSONBody[NewProfile]) -> Response[ProfileOut]:
        body = data.root
        fields = body.model_dump(exclude_unset=True, exclude=set(STARTER_KEYS))
        result = await add_profile(
            caller,
            body.profileType,
            fields,
            template=body.template,
            copy_from=body.copyFrom or (),
        )
        return profile_response(result)

    @get(
        "/profiles/active",
        operation_id="getActiveProfile",
        summary="The caller's active profile",
        responses=problem_responses(404),
        opt={**ETAG, "links": profile_links()},
    )
    async def read_active(self, caller: CallerDep) -> Response[ProfileOut]:
        return profile_response(await get_my_active_profile(caller))

    @put(
        "/profiles/active",
        operation_id="switchActiveProfile",
        opt={**ETAG, "links": profile_links()},
        summary="Switch the active profile",
        responses=problem_responses(404, 409, 422),
    )
    async def switch_active(
        self, caller: CallerDep, data: JSONBody[SwitchProfile]
    ) -> Response[ProfileOut]:
        return profile_response(await switch_active_profile(caller, data.profileType))
