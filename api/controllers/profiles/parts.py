"""Parts of a profile read and written on their own, under
`/v1/{dancers|choreographers}/{id}/`: links, resume, and a dancer's representation."""

from litestar import get, patch, put
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody
from litestar.response import Response

from api.controllers.params import ProfileId
from api.controllers.profiles.errors import READ_ERRORS, WRITE_ERRORS
from api.controllers.responses import ETAG, value_response
from api.deps import CallerDep, IfMatchDep
from api.schemas.profile_requests import ResumePatch
from api.schemas.profile_sections import LinksIn, RepresentationIn
from api.schemas.responses import LinkOut, RepresentationPartOut, ResumeOut
from documents.vocabulary import ProfileType
from service.profiles.content.parts import read_part, write_part


def part_handlers(profile_type: ProfileType) -> list[HTTPRouteHandler]:
    kind = profile_type.capitalize()

    @get("/links", summary="Links", operation_id=f"get{kind}Links", responses=READ_ERRORS, opt=ETAG)
    async def read_links(caller: CallerDep, profile_id: ProfileId) -> Response[list[LinkOut]]:
        return value_response(await read_part(caller, profile_type, profile_id, "links"))

    @put(
        "/links",
        summary="Replace the links (label and http(s) URL)",
        operation_id=f"replace{kind}Links",
        opt=ETAG,
        responses=WRITE_ERRORS,
    )
    async def replace_links(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[LinksIn],
        if_match: IfMatchDep,
    ) -> Response[list[LinkOut]]:
        result = await write_part(
            caller,
            profile_type,
            profile_id,
            "links",
            data.model_dump(mode="json"),
            if_match,
        )
        return value_response(result)

    @get(
        "/resume",
        summary="Resume: skills, styles, uploads",
        operation_id=f"get{kind}Resume",
        opt=ETAG,
        responses=READ_ERRORS,
    )
    async def read_resume(caller: CallerDep, profile_id: ProfileId) -> Response[ResumeOut]:
        return value_response(await read_part(caller, profile_type, profile_id, "resume"))

    @patch(
        "/resume",
        summary="Change the resume (JSON merge patch)",
        operation_id=f"update{kind}Resume",
        opt=ETAG,
        responses=WRITE_ERRORS,
    )
    async def change_resume(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[ResumePatch],
        if_match: IfMatchDep,
    ) -> Response[ResumeOut]:
        patch_body = {"resume": data.model_dump(mode="json", exclude_unset=True)}
        result = await write_part(caller, profile_type, profile_id, "resume", patch_body, if_match)
        return value_response(result)

    handlers: list[HTTPRouteHandler] = [read_links, replace_links, read_resume, change_resume]
    if profile_type == "dancer":

        @get(
            "/representation",
            summary="Representation status and agency",
            operation_id="getDancerRepresentation",
            opt=ETAG,
            responses=READ_ERRORS,
        )
        async def read_representation(
            caller: CallerDep, profile_id: ProfileId
        ) -> Response[RepresentationPartOut]:
            result = await read_part(caller, profile_type, profile_id, "representation")
            return value_response(result)

        @patch(
            "/representation",
            summary="Change representation (JSON merge patch)",
            operation_id="updateDancerRepresentation",
            opt=ETAG,
            responses=WRITE_ERRORS,
        )
        async def change_representation(
            caller: CallerDep,
            profile_id: ProfileId,
            data: JSONBody[RepresentationIn],
            if_match: IfMatchDep,
        ) -> Response[RepresentationPartOut]:
            result = await write_part(
                caller,
                profile_type,
                profile_id,
                "representation",
                data.model_dump(mode="json", exclude_unset=True),
                if_match,
            )
            return value_response(result)

        handlers += [read_representation, change_representation]
    return handlers
