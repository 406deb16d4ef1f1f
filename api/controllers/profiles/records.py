"""A profile's project credits and training records, under
`/v1/{dancers|choreographers}/{id}/projects` and `.../training`.

Reads need any valid token; writes the profile's owner or an admin. Every response
carries the profile's `ETag` (a record write bumps the profile's version: completeness
counts the records); every write takes `If-Match` (stale: 412).
"""

from typing import Annotated

from litestar import Router, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter
from litestar.response import Response

from api.controllers.params import ProfileId
from api.controllers.profiles.errors import REMOVE_RESPONSES, WRITE_ERRORS
from api.controllers.responses import ETAG, empty_response, items_response, value_response
from api.deps import CallerDep, IfMatchDep
from api.errors import problem_responses
from api.openapi.links import item_links
from api.schemas.records import RECORD_MODELS
from documents.vocabulary import ProfileType
from service.profiles.content.records import (
    MAX_RECORDS,
    create_record,
    delete_record,
    list_records,
    update_record,
)

RECORD_NAMES = {"projects": ("Project", "Projects"), "training": ("Training", "Training")}
"""Per record path: one record and the list of them, as operation ids name them."""

RecordId = Annotated[str, PathParameter(description="The record's id (24 hex digits)")]


def _record_handlers(profile_type: ProfileType, path: str) -> list[HTTPRouteHandler]:
    create_model, patch_model, out_model, list_model = RECORD_MODELS[path]
    kind = profile_type.capitalize()
    singular, plural = RECORD_NAMES[path]

    @get(
        f"/{path}",
        summary=f"The {path} records of a {profile_type}",
        operation_id=f"list{kind}{plural}",
        responses=problem_responses(404),
        opt=ETAG,
    )
    async def list_handler(caller: CallerDep, profile_id: ProfileId) -> Response[list_model]:  # type: ignore[valid-type]
        result = await list_records(caller, profile_type, profile_id, path)
        return items_response(result)

    @post(
        f"/{path}",
        summary=f"Add a {path} record to a {profile_type} (at most {MAX_RECORDS})",
        operation_id=f"add{kind}{singular}",
        responses=WRITE_ERRORS,
        opt={**ETAG, "links": item_links(kind, singular, "record_id", "$response.body#/id")},
    )
    async def add_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[create_model],  # type: ignore[valid-type]
        if_match: IfMatchDep,
    ) -> Response[out_model]:  # type: ignore[valid-type]
        fields = data.model_dump(mode="json")  # type: ignore[attr-defined]
        result = await create_record(caller, profile_type, profile_id, path, fields, if_match)
        location = f"/v1/{profile_type}s/{profile_id}/{path}/{result.value['id']}"
        return value_response(result, 201, location=location)

    @patch(
        f"/{path}/{{record_id:str}}",
        summary=f"Change a {path} record of a {profile_type} (JSON merge patch)",
        operation_id=f"update{kind}{singular}",
        responses=WRITE_ERRORS,
        opt=ETAG,
    )
    async def change_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        record_id: RecordId,
        data: JSONBody[patch_model],  # type: ignore[valid-type]
        if_match: IfMatchDep,
    ) -> Response[out_model]:  # type: ignore[valid-type]
        changes = data.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
        result = await update_record(
            caller,
            profile_type,
            profile_id,
            path,
            record_id,
            changes,
            if_match,
        )
        return value_response(result)

    @delete(
        f"/{path}/{{record_id:str}}",
        summary=f"Remove a {path} record of a {profile_type}",
        operation_id=f"remove{kind}{singular}",
        responses=REMOVE_RESPONSES,
        opt=ETAG,
    )
    async def remove_handler(
        caller: CallerDep, profile_id: ProfileId, record_id: RecordId, if_match: IfMatchDep
    ) -> Response[None]:
        result = await delete_record(caller, profile_type, profile_id, path, record_id, if_match)
        return empty_response(result)

    return [list_handler, add_handler, change_handler, remove_handler]


def profile_records_router(profile_type: ProfileType) -> Router:
    """The project and training routes of one kind of profile."""
    handlers = [
        handler for path in RECORD_MODELS for handler in _record_handlers(profile_type, path)
    ]
    return Router(
        path=f"/v1/{profile_type}s/{{profile_id:str}}",
        route_handlers=handlers,
        tags=[f"{profile_type}s"],
    )
