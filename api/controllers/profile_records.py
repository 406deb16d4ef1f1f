"""A profile's project credits and training records, under
`/v1/{dancers|choreographers}/{id}/projects` and `.../training`.

Reads need any valid token; writes the profile's owner or an admin. Every response
carries the profile's `ETag` (a record write bumps the profile's version: completeness
counts the records); every write takes `If-Match` (stale: 412).
"""

from typing import Annotated

from litestar import Router, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, PathParameter
from litestar.response import Response

from api.controllers.common import AuthRequest, ProfileId
from api.errors import problem_responses
from api.etag import etag_for, parse_if_match
from api.schemas.records import RECORD_MODELS
from documents.embedded import ProfileType
from service.profile_records import (
    MAX_RECORDS,
    RecordResult,
    create_record,
    delete_record,
    list_records,
    update_record,
)

IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description="ETag of the profile you read"),
]
RecordId = Annotated[str, PathParameter(description="The record's id (24 hex digits)")]
WRITE_ERRORS = problem_responses(403, 404, 409, 412, 413, 422)


def record_response(result: RecordResult, status: int = 200) -> Response[object]:
    """The result's value (a record, `{"items": [...]}`, or nothing for 204) with the
    profile's ETag."""
    return Response(result.value, status_code=status, headers={"ETag": etag_for(result.version)})


def _record_handlers(profile_type: ProfileType, path: str) -> list[HTTPRouteHandler]:
    create_model, patch_model, out_model, list_model = RECORD_MODELS[path]
    operation = f"{profile_type}_{path}"

    @get(
        f"/{path}",
        summary=f"The {path} records of a {profile_type}",
        operation_id=f"list_{operation}",
        responses=problem_responses(404),
    )
    async def list_handler(request: AuthRequest, profile_id: ProfileId) -> Response[list_model]:  # type: ignore[valid-type]
        result = await list_records(request.user, profile_type, profile_id, path)
        return record_response(RecordResult({"items": result.value}, result.version))

    @post(
        f"/{path}",
        summary=f"Add a {path} record to a {profile_type} (at most {MAX_RECORDS})",
        operation_id=f"add_{operation}",
        responses=WRITE_ERRORS,
    )
    async def add_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        data: JSONBody[create_model],  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> Response[out_model]:  # type: ignore[valid-type]
        fields = data.model_dump(mode="json")  # type: ignore[attr-defined]
        result = await create_record(
            request.user, profile_type, profile_id, path, fields, parse_if_match(if_match)
        )
        return record_response(result, 201)

    @patch(
        f"/{path}/{{record_id:str}}",
        summary=f"Change a {path} record of a {profile_type} (JSON merge patch)",
        operation_id=f"change_{operation}",
        responses=WRITE_ERRORS,
    )
    async def change_handler(
        request: AuthRequest,
        profile_id: ProfileId,
        record_id: RecordId,
        data: JSONBody[patch_model],  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> Response[out_model]:  # type: ignore[valid-type]
        changes = data.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
        result = await update_record(
            request.user,
            profile_type,
            profile_id,
            path,
            record_id,
            changes,
            parse_if_match(if_match),
        )
        return record_response(result)

    @delete(
        f"/{path}/{{record_id:str}}",
        summary=f"Remove a {path} record of a {profile_type}",
        operation_id=f"remove_{operation}",
        responses={
            **problem_responses(403, 404, 409, 412),
            204: ResponseSpec(
                data_container=None, description="Removed; `ETag` names the new version"
            ),
        },
    )
    async def remove_handler(
        request: AuthRequest, profile_id: ProfileId, record_id: RecordId, if_match: IfMatch = None
    ) -> Response[None]:
        result = await delete_record(
            request.user, profile_type, profile_id, path, record_id, parse_if_match(if_match)
        )
        return Response(None, status_code=204, headers={"ETag": etag_for(result.version)})

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
