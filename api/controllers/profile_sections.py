"""A profile's content, a piece at a time, under `/v1/{dancers|choreographers}/{id}/`:
headshots, links, resume, representation, and the phase-6 sections (availability,
specialisations, videos, auditions, workshops, rate cards, portfolio).

Reads need any valid token; writes the profile's owner or an admin. Every response
carries the profile's `ETag`; every write takes `If-Match` (stale: 412).
"""

from typing import Annotated, Any

from litestar import Router, delete, get, patch, post, put
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.response import Response
from pydantic import BaseModel

from api.controllers.common import AuthRequest, ProfileId
from api.errors import problem_responses
from api.etag import etag_for, parse_if_match
from api.schemas.profile_requests import ResumePatch
from api.schemas.profile_sections import (
    SECTION_MODELS,
    HeadshotOrder,
    HeadshotPatch,
    LinksIn,
    NewHeadshot,
    RepresentationIn,
)
from api.schemas.responses import HeadshotOut, LinkOut, RepresentationPartOut, ResumeOut
from api.schemas.section_items import SECTION_ITEM_MODELS, SECTION_LIST_MODELS
from documents.embedded import ProfileType
from service.headshots import (
    add_headshot,
    list_headshots,
    make_primary,
    remove_headshot,
    reorder_headshots,
    update_headshot,
)
from service.profile_parts import read_part, write_part
from service.profile_sections import (
    SECTIONS,
    SectionResult,
    add_item,
    delete_item,
    list_items,
    update_item,
)

IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description="ETag of the profile you read"),
]
ItemId = Annotated[str, PathParameter(description="The item's `id`")]
StorageIdPath = Annotated[str, PathParameter(description="The headshot's `storageId`")]
AlsoOther = Annotated[
    bool,
    QueryParameter(
        description="Also change the headshot with this storage id on your other profile"
    ),
]
WRITE_ERRORS = problem_responses(403, 404, 409, 412, 413, 422)
READ_ERRORS = problem_responses(404)
REMOVE_RESPONSES = {
    **problem_responses(403, 404, 409, 412),
    204: ResponseSpec(data_container=None, description="Removed; `ETag` names the new version"),
}


class HeadshotList(BaseModel):
    """The headshots, in order: position 0 is the primary one."""

    items: list[HeadshotOut]


def items_response(result: SectionResult, status: int = 200) -> Response[Any]:
    """`{"items": [...]}` with the profile's ETag."""
    return Response(
        {"items": result.value}, status_code=status, headers={"ETag": etag_for(result.version)}
    )


def value_response(result: SectionResult, status: int = 200) -> Response[Any]:
    """The value itself (an item, a part) with the profile's ETag."""
    return Response(result.value, status_code=status, headers={"ETag": etag_for(result.version)})


def empty_response(result: SectionResult) -> Response[None]:
    """204 with the profile's new ETag."""
    return Response(None, status_code=204, headers={"ETag": etag_for(result.version)})


def _section_handlers(profile_type: ProfileType, path: str) -> list[HTTPRouteHandler]:
    create_model, patch_model = SECTION_MODELS[path]
    item_model, list_model = SECTION_ITEM_MODELS[path], SECTION_LIST_MODELS[path]
    operation = f"{profile_type}_{path.replace('-', '_')}"

    @get(
        f"/{path}",
        summary=f"The {path} of a {profile_type}",
        operation_id=f"list_{operation}",
        responses=READ_ERRORS,
    )
    async def list_handler(request: AuthRequest, profile_id: ProfileId) -> Response[list_model]:  # type: ignore[valid-type]
        return items_response(await list_items(request.user, profile_type, profile_id, path))

    @post(
        f"/{path}",
        summary=f"Add to the {path} of a {profile_type}",
        operation_id=f"add_{operation}",
        responses=WRITE_ERRORS,
    )
    async def add_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[create_model],  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> Response[item_model]:  # type: ignore[valid-type]
        item = data.model_dump(mode="json")  # type: ignore[attr-defined]
        result = await add_item(
            request.user, profile_type, profile_id, path, item, parse_if_match(if_match)
        )
        return value_response(result, 201)

    @patch(
        f"/{path}/{{item_id:str}}",
        summary=f"Change one of the {path} of a {profile_type} (JSON merge patch)",
        operation_id=f"change_{operation}",
        responses=WRITE_ERRORS,
    )
    async def change_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        item_id: ItemId,
        data: JSONBody[patch_model],  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> Response[item_model]:  # type: ignore[valid-type]
        changes = data.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
        result = await update_item(
            request.user, profile_type, profile_id, path, item_id, changes, parse_if_match(if_match)
        )
        return value_response(result)

    @delete(
        f"/{path}/{{item_id:str}}",
        summary=f"Remove one of the {path} of a {profile_type}",
        operation_id=f"remove_{operation}",
        responses=REMOVE_RESPONSES,
    )
    async def remove_handler(
        request: AuthRequest, profile_id: ProfileId, item_id: ItemId, if_match: IfMatch = None
    ) -> Response[None]:
        result = await delete_item(
            request.user, profile_type, profile_id, path, item_id, parse_if_match(if_match)
        )
        return empty_response(result)

    return [list_handler, add_handler, change_handler, remove_handler]


def _headshot_handlers(profile_type: ProfileType) -> list[HTTPRouteHandler]:
    operation = f"{profile_type}_headshots"

    @get(
        "/headshots",
        summary="Headshots, primary first",
        operation_id=f"list_{operation}",
        responses=READ_ERRORS,
    )
    async def list_handler(request: AuthRequest, profile_id: ProfileId) -> Response[HeadshotList]:
        return items_response(await list_headshots(request.user, profile_type, profile_id))

    @post(
        "/headshots",
        summary="Add a headshot (at most 20)",
        operation_id=f"add_{operation}",
        responses=WRITE_ERRORS,
    )
    async def add_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[NewHeadshot],
        if_match: IfMatch = None,
    ) -> Response[HeadshotList]:
        result = await add_headshot(
            request.user,
            profile_type,
            profile_id,
            data.model_dump(mode="json"),
            parse_if_match(if_match),
        )
        return items_response(result, 201)

    @put(
        "/headshots/order",
        summary="Reorder the headshots (the first is primary)",
        operation_id=f"reorder_{operation}",
        responses=WRITE_ERRORS,
    )
    async def reorder_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[HeadshotOrder],
        if_match: IfMatch = None,
    ) -> Response[HeadshotList]:
        result = await reorder_headshots(
            request.user, profile_type, profile_id, data.storageIds, parse_if_match(if_match)
        )
        return items_response(result)

    @put(
        "/headshots/{storage_id:str}/primary",
        summary="Make a headshot the primary one",
        operation_id=f"primary_{operation}",
        responses=WRITE_ERRORS,
    )
    async def primary_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        if_match: IfMatch = None,
    ) -> Response[HeadshotList]:
        result = await make_primary(
            request.user, profile_type, profile_id, storage_id, parse_if_match(if_match)
        )
        return items_response(result)

    @patch(
        "/headshots/{storage_id:str}",
        summary="Change a headshot's url or title (JSON merge patch)",
        operation_id=f"change_{operation}",
        responses=WRITE_ERRORS,
    )
    async def change_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        data: JSONBody[HeadshotPatch],
        if_match: IfMatch = None,
        alsoOtherProfile: AlsoOther = False,
    ) -> Response[HeadshotList]:
        result = await update_headshot(
            request.user,
            profile_type,
            profile_id,
            storage_id,
            data.model_dump(mode="json", exclude_unset=True),
            parse_if_match(if_match),
            also_other_profile=alsoOtherProfile,
        )
        return items_response(result)

    @delete(
        "/headshots/{storage_id:str}",
        summary="Remove a headshot",
        operation_id=f"remove_{operation}",
        responses=REMOVE_RESPONSES,
    )
    async def remove_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        if_match: IfMatch = None,
    ) -> Response[None]:
        result = await remove_headshot(
            request.user, profile_type, profile_id, storage_id, parse_if_match(if_match)
        )
        return empty_response(result)

    handlers = [
        list_handler,
        add_handler,
        reorder_handler,
        primary_handler,
        change_handler,
        remove_handler,
    ]
    return handlers


def _part_handlers(profile_type: ProfileType) -> list[HTTPRouteHandler]:
    prefix = profile_type

    @get("/links", summary="Links", operation_id=f"read_{prefix}_links", responses=READ_ERRORS)
    async def read_links(request: AuthRequest, profile_id: ProfileId) -> Response[list[LinkOut]]:
        return value_response(await read_part(request.user, profile_type, profile_id, "links"))

    @put(
        "/links",
        summary="Replace the links (label and http(s) URL)",
        operation_id=f"replace_{prefix}_links",
        responses=WRITE_ERRORS,
    )
    async def replace_links(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[LinksIn],
        if_match: IfMatch = None,
    ) -> Response[list[LinkOut]]:
        result = await write_part(
            request.user,
            profile_type,
            profile_id,
            "links",
            data.model_dump(mode="json"),
            parse_if_match(if_match),
        )
        return value_response(result)

    @get(
        "/resume",
        summary="Resume: skills, styles, uploads",
        operation_id=f"read_{prefix}_resume",
        responses=READ_ERRORS,
    )
    async def read_resume(request: AuthRequest, profile_id: ProfileId) -> Response[ResumeOut]:
        return value_response(await read_part(request.user, profile_type, profile_id, "resume"))

    @patch(
        "/resume",
        summary="Change the resume (JSON merge patch)",
        operation_id=f"change_{prefix}_resume",
        responses=WRITE_ERRORS,
    )
    async def change_resume(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[ResumePatch],
        if_match: IfMatch = None,
    ) -> Response[ResumeOut]:
        patch_body = {"resume": data.model_dump(mode="json", exclude_unset=True)}
        result = await write_part(
            request.user, profile_type, profile_id, "resume", patch_body, parse_if_match(if_match)
        )
        return value_response(result)

    handlers: list[HTTPRouteHandler] = [read_links, replace_links, read_resume, change_resume]
    if profile_type == "dancer":

        @get(
            "/representation",
            summary="Representation status and agency",
            operation_id="read_dancer_representation",
            responses=READ_ERRORS,
        )
        async def read_representation(
            request: AuthRequest, profile_id: ProfileId
        ) -> Response[RepresentationPartOut]:
            result = await read_part(request.user, profile_type, profile_id, "representation")
            return value_response(result)

        @patch(
            "/representation",
            summary="Change representation (JSON merge patch)",
            operation_id="change_dancer_representation",
            responses=WRITE_ERRORS,
        )
        async def change_representation(
            request: AuthRequest,
            profile_id: ProfileId,
            data: JSONBody[RepresentationIn],
            if_match: IfMatch = None,
        ) -> Response[RepresentationPartOut]:
            result = await write_part(
                request.user,
                profile_type,
                profile_id,
                "representation",
                data.model_dump(mode="json", exclude_unset=True),
                parse_if_match(if_match),
            )
            return value_response(result)

        handlers += [read_representation, change_representation]
    return handlers


def profile_content_router(profile_type: ProfileType) -> Router:
    """The content routes of one kind of profile."""
    handlers = _headshot_handlers(profile_type) + _part_handlers(profile_type)
    for path, section in SECTIONS.items():
        if profile_type in section.kinds:
            handlers += _section_handlers(profile_type, path)
    return Router(
        path=f"/v1/{profile_type}s/{{profile_id:str}}",
        route_handlers=handlers,
        tags=[f"{profile_type}s"],
    )
