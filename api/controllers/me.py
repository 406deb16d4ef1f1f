"""`/v1/me`: the caller's account, onboarding, and their own profiles."""

from typing import Annotated, Any

from litestar import Controller, delete, get, patch, post, put
from litestar.params import HeaderParameter, JSONBody
from litestar.response import Response

from api.controllers.common import AuthRequest, profile_response
from api.errors import problem_responses
from api.etag import etag_for, parse_if_match
from api.schemas.profile_requests import (
    STARTER_KEYS,
    MePatch,
    NewProfile,
    Onboarding,
    SwitchProfile,
)
from api.schemas.responses import MeOut, MyProfileList, ProfileComparison, ProfileOut
from service.accounts import get_me, update_me
from service.erasure import erase_account
from service.my_profiles import (
    add_profile,
    get_my_active_profile,
    get_profile_switcher,
    switch_active_profile,
)
from service.onboarding import complete_onboarding
from service.profile_comparison import compare_my_profiles
from service.results import AccountResult

IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description="ETag of the active profile"),
]


def _account_response(result: AccountResult) -> Response[Any]:
    headers = {} if result.version is None else {"ETag": etag_for(result.version)}
    return Response(result.view, headers=headers)


class MeController(Controller):
    path = "/v1/me"
    tags = ["me"]

    @get("/", summary="The caller's account and active profile", responses=problem_responses(404))
    async def read_me(self, request: AuthRequest) -> Response[MeOut]:
        return _account_response(await get_me(request.user))

    @patch(
        "/",
        summary="Update account fields and the active profile (JSON merge patch)",
        responses=problem_responses(404, 409, 412, 413, 422),
    )
    async def update_me(
        self, request: AuthRequest, data: JSONBody[MePatch], if_match: IfMatch = None
    ) -> Response[MeOut]:
        account = data.model_dump(exclude_unset=True, include={"email", "fullName"})
        profile = (
            data.activeProfile.model_dump(exclude_unset=True)
            if "activeProfile" in data.model_fields_set and data.activeProfile is not None
            else None
        )
        result = await update_me(request.user, account, profile, parse_if_match(if_match))
        return _account_response(result)

    @delete(
        "/",
        summary="Erase the caller's account and everything of the person",
        description="The account, both profiles, their project and training records, and "
        "the migration records kept about the person, in one transaction. 204; 404 when "
        "there is no account.",
        responses=problem_responses(404, 409),
    )
    async def erase_me(self, request: AuthRequest) -> None:
        await erase_account(request.user)

    @post(
        "/onboarding",
        summary="Create the account if new and its first profile (idempotent: 200 if it exists)",
        responses=problem_responses(409, 413, 422),
    )
    async def onboard(
        self,
        request: AuthRequest,
        data: JSONBody[Onboarding],
    ) -> Response[ProfileOut]:
        body = data.root
        fields = body.model_dump(exclude_unset=True, exclude={*STARTER_KEYS, "email", "fullName"})
        result = await complete_onboarding(
            request.user,
            body.profileType,
            body.email,
            body.fullName,
            fields,
            template=body.template,
        )
        return profile_response(result)

    @get(
        "/profiles",
        summary="All the caller's profiles, each with the completeness sections it misses",
        responses=problem_responses(404),
    )
    async def list_mine(self, request: AuthRequest) -> MyProfileList:
        results = await get_profile_switcher(request.user)
        return {"items": [result.view for result in results], "nextCursor": None}  # type: ignore[return-value]

    @get(
        "/profiles/comparison",
        summary="The caller's dancer and choreographer profiles side by side",
        description="Each field both types have, with both values and whether they are the "
        "same. 409 unless the caller has both profiles.",
        responses=problem_responses(404, 409),
    )
    async def compare_mine(self, request: AuthRequest) -> ProfileComparison:
        return ProfileComparison.model_validate(await compare_my_profiles(request.user))

    @post(
        "/profiles",
        summary="Add a profile of the other type",
        description="Its fields: the `template`'s, then those named in `copyFrom` from the "
        "caller's other profile, then the body's own on top.",
        responses=problem_responses(404, 409, 413, 422),
    )
    async def add_mine(
        self, request: AuthRequest, data: JSONBody[NewProfile]
    ) -> Response[ProfileOut]:
        body = data.root
        fields = body.model_dump(exclude_unset=True, exclude=set(STARTER_KEYS))
        result = await add_profile(
            request.user,
            body.profileType,
            fields,
            template=body.template,
            copy_from=body.copyFrom or (),
        )
        return profile_response(result)

    @get(
        "/profiles/active", summary="The caller's active profile", responses=problem_responses(404)
    )
    async def read_active(self, request: AuthRequest) -> Response[ProfileOut]:
        return profile_response(await get_my_active_profile(request.user))

    @put(
        "/profiles/active",
        summary="Switch the active profile",
        responses=problem_responses(404, 409, 422),
    )
    async def switch_active(
        self, request: AuthRequest, data: JSONBody[SwitchProfile]
    ) -> Response[ProfileOut]:
        return profile_response(await switch_active_profile(request.user, data.profileType))
