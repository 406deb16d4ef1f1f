"""The phase-6 sections of a profile, an item at a time, under
`/v1/{dancers|choreographers}/{id}/{section}`: availability, specialisations, videos,
auditions, workshops, rate cards, portfolio."""

from typing import Annotated

from litestar import delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter
from litestar.response import Response

from api.controllers.params import ProfileId
from api.controllers.profiles.errors import READ_ERRORS, REMOVE_RESPONSES, WRITE_ERRORS
from api.controllers.responses import ETAG, empty_response, items_response, value_response
from api.deps import CallerDep, IfMatchDep
from api.openapi.links import item_links
from api.schemas.profile_sections import SECTION_MODELS
from api.schemas.section_items import SECTION_ITEM_MODELS, SECTION_LIST_MODELS
from documents.vocabulary import ProfileType
from service.profiles.content.sections import add_item, delete_item, list_items, update_item

SECTION_NAMES = {
    "availability": ("Availability", "Availability"),
    "specialisations": ("Specialisation", "Specialisations"),
    "videos": ("Video", "Videos"),
    "auditions": ("Audition", "Auditions"),
    "workshops": ("Workshop", "Workshops"),
    "rate-cards": ("RateCard", "RateCards"),
    "portfolio": ("PortfolioItem", "Portfolio"),
}
"""Per section path: one item and the list of them, as operation ids name them."""

ItemId = Annotated[str, PathParameter(description="The item's `id`")]


def section_handlers(profile_type: ProfileType, path: str) -> list[HTTPRouteHandler]:
    create_model, patch_model = SECTION_MODELS[path]
    item_model, list_model = SECTION_ITEM_MODELS[path], SECTION_LIST_MODELS[path]
    kind = profile_type.capitalize()
    singular, plural = SECTION_NAMES[path]

    @get(
        f"/{path}",
        summary=f"The {path} of a {profile_type}",
        operation_id=f"list{kind}{plural}",
        responses=READ_ERRORS,
        opt=ETAG,
    )
    async def list_handler(caller: CallerDep, profile_id: ProfileId) -> Response[list_model]:  # type: ignore[valid-type]
        return items_response(await list_items(caller, profile_type, profile_id, path))

    @post(
        f"/{path}",
        summary=f"Add to the {path} of a {profile_type}",
        operation_id=f"add{kind}{singular}",
        responses=WRITE_ERRORS,
        opt={**ETAG, "links": item_links(kind, singular, "item_id", "$response.body#/id")},
    )
    async def add_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        data: JSONBody[create_model],  # type: ignore[valid-type]
        if_match: IfMatchDep,
    ) -> Response[item_model]:  # type: ignore[valid-type]
        item = data.model_dump(mode="json")  # type: ignore[attr-defined]
        result = await add_item(caller, profile_type, profile_id, path, item, if_match)
        location = f"/v1/{profile_type}s/{profile_id}/{path}/{result.value['id']}"
        return value_response(result, 201, location=location)

    @patch(
        f"/{path}/{{item_id:str}}",
        summary=f"Change one of the {path} of a {profile_type} (JSON merge patch)",
        operation_id=f"update{kind}{singular}",
        responses=WRITE_ERRORS,
        opt=ETAG,
    )
    async def change_handler(
        caller: CallerDep,
        profile_id: ProfileId,
        item_id: ItemId,
        data: JSONBody[patch_model],  # type: ignore[valid-type]
        if_match: IfMatchDep,
    ) -> Response[item_model]:  # type: ignore[valid-type]
        changes = data.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
        result = await update_item(
            caller, profile_type, profile_id, path, item_id, changes, if_match
        )
        return value_response(result)

    @delete(
        f"/{path}/{{item_id:str}}",
        summary=f"Remove one of the {path} of a {profile_type}",
        operation_id=f"remove{kind}{singular}",
        responses=REMOVE_RESPONSES,
        opt=ETAG,
    )
    async def remove_handler(
        caller: CallerDep, profile_id: ProfileId, item_id: ItemId, if_match: IfMatchDep
    ) -> Response[None]:
        result = await delete_item(caller, profile_type, profile_id, path, item_id, if_match)
        return empty_response(result)

    return [list_handler, add_handler, change_handler, remove_handler]
