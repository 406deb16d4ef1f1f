"""`/v1/admin/profile-templates`: named starter sets of profile fields (admins only)."""

from typing import Annotated, Any

from litestar import Controller, delete, get, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter
from litestar.response import Response
from pydantic import ValidationError

from api.auth import admins_only
from api.deps import CallerDep
from api.errors import problem_responses
from api.schemas.fields import RequestModel
from api.schemas.profile_requests import ChoreographerPatch, DancerPatch, TemplateBody
from api.schemas.responses import ProfileTemplateList, ProfileTemplateOut
from api.validation import SERVER_OWNED_FIELDS
from service.platform.errors import InvalidInput
from service.profiles.templates import delete_template, list_templates, put_template

TemplateType = Annotated[
    str,
    PathParameter(description="The profile type the template is for: `dancer` or `choreographer`"),
]
TemplateName = Annotated[
    str, PathParameter(description="The template's name: 1-60 letters, digits, `-` or `_`")
]
PATCH_MODELS: dict[str, type[RequestModel]] = {
    "dancer": DancerPatch,
    "choreographer": ChoreographerPatch,
}


def _error(item: Any) -> dict[str, str]:
    path = ".".join(str(part) for part in item["loc"])
    message = str(item["msg"])
    if item["type"] == "extra_forbidden":
        last = str(item["loc"][-1])
        message = (
            f"`{last}` is set by the server and cannot be written"
            if last in SERVER_OWNED_FIELDS
            else f"`{last}` is not a field of this profile type"
        )
    return {"field": f"fields.{path}", "message": message}


def parse_template_fields(profile_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` validated as a profile patch of `profile_type` (limits, unknown and
    server-owned fields, canonical dance styles), as that patch holds them; an unknown
    type is left to the service."""
    model = PATCH_MODELS.get(profile_type)
    if model is None:
        return fields
    try:
        patch = model.model_validate(fields)
    except ValidationError as error:
        errors = [_error(item) for item in error.errors()]
        raise InvalidInput(
            "invalid template fields: " + ", ".join(e["field"] for e in errors),
            extra={"errors": errors},
        ) from error
    parsed: dict[str, Any] = patch.model_dump(exclude_unset=True)
    return parsed


def _out(view: dict[str, Any]) -> ProfileTemplateOut:
    return ProfileTemplateOut.model_validate(view)


class ProfileTemplatesController(Controller):
    path = "/v1/admin/profile-templates"
    tags = ["admin"]
    guards = [admins_only]

    @get(
        "/",
        operation_id="listProfileTemplates",
        summary="Every profile template (admin)",
        responses=problem_responses(403),
    )
    async def list_profile_templates(self, caller: CallerDep) -> ProfileTemplateList:
        templates = await list_templates(caller)
        return ProfileTemplateList(items=[_out(template.view()) for template in templates])

    @put(
        "/{profile_type:str}/{name:str}",
        operation_id="putProfileTemplate",
        summary="Create or replace a profile template (admin)",
        description="`fields` is validated as the body of a new profile of that type. "
        "201 when created, 200 when replaced.",
        responses={
            201: ResponseSpec(ProfileTemplateOut, description="Created", generate_examples=False),
            **problem_responses(403, 413, 422),
        },
    )
    async def put_profile_template(
        self,
        caller: CallerDep,
        profile_type: TemplateType,
        name: TemplateName,
        data: JSONBody[TemplateBody],
    ) -> Response[ProfileTemplateOut]:
        fields = parse_template_fields(profile_type, data.fields)
        template, created = await put_template(caller, profile_type, name, fields)
        if created:
            location = f"/v1/admin/profile-templates/{profile_type}/{name}"
            return Response(_out(template.view()), status_code=201, headers={"Location": location})
        return Response(_out(template.view()))

    @delete(
        "/{profile_type:str}/{name:str}",
        operation_id="deleteProfileTemplate",
        summary="Remove a profile template (admin)",
        responses=problem_responses(403, 404),
    )
    async def delete_profile_template(
        self, caller: CallerDep, profile_type: TemplateType, name: TemplateName
    ) -> None:
        await delete_template(caller, profile_type, name)
