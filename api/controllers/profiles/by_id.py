"""`/v1/dancers/{id}` and `/v1/choreographers/{id}`: one profile (searches: `search.py`)."""

from typing import Any

from litestar import Router, delete, get, patch
from litestar.params import JSONBody
from litestar.response import Response
from pydantic import BaseModel

from api.controllers.params import ProfileId
from api.controllers.responses import ETAG, profile_response
from api.deps import CallerDep, IfMatchDep
from api.errors import problem_responses
from api.openapi.links import profile_links
from api.schemas.profile_requests import ChoreographerPatch, DancerPatch
from api.schemas.responses import ChoreographerOut, DancerOut
from documents.vocabulary import ProfileType
from service.profiles.by_id import delete_profile, get_profile, update_profile


def profile_router(
    profile_type: ProfileType,
    patch_model: type[BaseModel],
    out_model: type[BaseModel],
) -> Router:
    """The routes of one profile collection."""
    name = f"{profile_type}s"
    kind = profile_type.capitalize()
    links = {key: link for key, link in profile_links().items() if kind in key}

    @get(
        "/{profile_id:str}",
        operation_id=f"get{kind}",
        summary=f"One {profile_type} profile",
        responses=problem_responses(404),
        opt={**ETAG, "links": links},
    )
    async def get_handler(caller: CallerDep, profile_id: ProfileId) -> Response[out_model]:  # type: ignore[valid-type]
        return profile_response(await get_profile(caller, profile_type, profile_id))

    @patch(
        "/{profile_id:str}",
        operation_id=f"update{kind}",
        opt={**ETAG, "links": links},
        summary=f"Update a {profile_type} profile (JSON merge patch)",
        responses=problem_responses(403, 404, 409, 412, 413, 422),
    )
    async def patch_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[patch_model],  # type: ignore[valid-type]
        if_match: IfMatchDep,
    ) -> Response[out_model]:  # type: ignore[valid-type]
        changes: dict[str, Any] = data.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        result = await update_profile(caller, profile_type, profile_id, changes, if_match)
        return profile_response(result)

    @delete(
        "/{profile_id:str}",
        operation_id=f"delete{kind}",
        summary=f"Delete a {profile_type} profile and its records",
        responses=problem_responses(403, 404, 409, 412),
    )
    async def delete_handler(
        caller: CallerDep, profile_id: ProfileId, if_match: IfMatchDep
    ) -> None:
        await delete_profile(caller, profile_type, profile_id, if_match)

    return Router(
        path=f"/v1/{name}",
        route_handlers=[get_handler, patch_handler, delete_handler],
        tags=[name],
    )


def dancers_router() -> Router:
    """Routes of `/v1/dancers`."""
    return profile_router("dancer", DancerPatch, DancerOut)


def choreographers_router() -> Router:
    """Routes of `/v1/choreographers`."""
    return profile_router("choreographer", ChoreographerPatch, ChoreographerOut)
