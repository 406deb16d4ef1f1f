"""A profile's headshots, one at a time, under `/v1/{dancers|choreographers}/{id}/headshots`."""

from typing import Annotated
from urllib.parse import quote

from litestar import delete, get, patch, post, put
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.response import Response
from pydantic import BaseModel

from api.controllers.params import ProfileId
from api.controllers.profiles.errors import READ_ERRORS, REMOVE_RESPONSES, WRITE_ERRORS
from api.controllers.responses import ETAG, empty_response, items_response
from api.deps import CallerDep, IfMatchDep
from api.openapi.links import item_links
from api.schemas.profile_sections import HeadshotOrder, HeadshotPatch, NewHeadshot
from api.schemas.responses import HeadshotOut
from documents.vocabulary import ProfileType
from service.profiles.content.headshots import (
    add_headshot,
    list_headshots,
    make_primary,
    remove_headshot,
    reorder_headshots,
    update_headshot,
)

StorageIdPath = Annotated[str, PathParameter(description="The headshot's `storageId`")]
AlsoOther = Annotated[
    bool,
    QueryParameter(
        description="Also change the headshot with this storage id on your other profile"
    ),
]


class HeadshotList(BaseModel):
    """The headshots, in order: position 0 is the primary one."""

    items: list[HeadshotOut]


STORAGE_ID_SENT = "$request.body#/storageId"
"""A headshot is named by the `storageId` its creation sent."""


def headshot_handlers(profile_type: ProfileType) -> list[HTTPRouteHandler]:
    kind = profile_type.capitalize()

    @get(
        "/headshots",
        summary="Headshots, primary first",
        operation_id=f"list{kind}Headshots",
        opt=ETAG,
        responses=READ_ERRORS,
    )
    async def list_handler(caller: CallerDep, profile_id: ProfileId) -> Response[HeadshotList]:
        return items_response(await list_headshots(caller, profile_type, profile_id))

    @post(
        "/headshots",
        summary="Add a headshot (at most 20)",
        operation_id=f"add{kind}Headshot",
        opt={
            **ETAG,
            "links": item_links(kind, "Headshot", "storage_id", "$request.body#/storageId"),
        },
        responses=WRITE_ERRORS,
    )
    async def add_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[NewHeadshot],
        if_match: IfMatchDep,
    ) -> Response[HeadshotList]:
        result = await add_headshot(
            caller,
            profile_type,
            profile_id,
            data.model_dump(mode="json"),
            if_match,
        )
        # a storage id is any text: percent-encoded, as a header and a path need
        location = f"/v1/{profile_type}s/{profile_id}/headshots/{quote(data.storageId, safe='')}"
        return items_response(result, 201, location=location)

    @put(
        "/headshots/order",
        summary="Reorder the headshots (the first is primary)",
        operation_id=f"reorder{kind}Headshots",
        opt=ETAG,
        responses=WRITE_ERRORS,
    )
    async def reorder_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[HeadshotOrder],
        if_match: IfMatchDep,
    ) -> Response[HeadshotList]:
        result = await reorder_headshots(
            caller, profile_type, profile_id, data.storageIds, if_match
        )
        return items_response(result)

    @put(
        "/headshots/{storage_id:str}/primary",
        summary="Make a headshot the primary one",
        operation_id=f"setPrimary{kind}Headshot",
        opt=ETAG,
        responses=WRITE_ERRORS,
    )
    async def primary_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        if_match: IfMatchDep,
    ) -> Response[HeadshotList]:
        result = await make_primary(caller, profile_type, profile_id, storage_id, if_match)
        return items_response(result)

    @patch(
        "/headshots/{storage_id:str}",
        summary="Change a headshot's url or title (JSON merge patch)",
        operation_id=f"update{kind}Headshot",
        opt=ETAG,
        responses=WRITE_ERRORS,
    )
    async def change_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        data: JSONBody[HeadshotPatch],
        if_match: IfMatchDep,
        alsoOtherProfile: AlsoOther = False,
    ) -> Response[HeadshotList]:
        result = await update_headshot(
            caller,
            profile_type,
            profile_id,
            storage_id,
            data.model_dump(mode="json", exclude_unset=True),
            if_match,
            also_other_profile=alsoOtherProfile,
        )
        return items_response(result)

    @delete(
        "/headshots/{storage_id:str}",
        summary="Remove a headshot",
        operation_id=f"remove{kind}Headshot",
        opt=ETAG,
        responses=REMOVE_RESPONSES,
    )
    async def remove_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        storage_id: StorageIdPath,
        if_match: IfMatchDep,
    ) -> Response[None]:
        result = await remove_headshot(caller, profile_type, profile_id, storage_id, if_match)
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
