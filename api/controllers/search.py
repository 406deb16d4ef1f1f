"""Discovery: `GET /v1/dancers`, `GET /v1/choreographers` and `GET /v1/search`."""

from collections.abc import Sequence
from typing import Any

from litestar import Response, get

from api.deps import CallerDep, CursorCodecDep, SearchBackendDep
from api.errors import problem_responses
from api.query_guard import known_query_parameters_only
from api.schemas.search import (
    AvailableFrom,
    AvailableTo,
    ChoreographerPage,
    Cursor,
    DancerPage,
    Genders,
    Limit,
    Locations,
    Q,
    Representation,
    SearchPage,
    Styles,
    UnionMember,
    Verified,
    WithFacets,
)
from documents.vocabulary import PROFILE_TYPES
from service.search.discovery import SearchResult, search_profiles
from service.search.query import SearchFilters, SearchQuery, availability_range

ORDER = (
    "Best match first: profiles where more words match a whole word rank higher, then"
    " more complete profiles, then older ones. Only listed profiles appear."
)


def search_body(result: SearchResult) -> dict[str, Any]:
    """The JSON body of a search page."""
    body: dict[str, Any] = {
        "items": result.items,
        "nextCursor": result.next_cursor,
        "typoTolerant": result.typo_tolerant,
    }
    if result.facets is not None:
        facets = result.facets
        body["facets"] = {
            "styles": [{"value": f.value, "count": f.count} for f in facets.styles],
            "locations": [{"value": f.value, "count": f.count} for f in facets.locations],
            "counted": facets.counted,
            "complete": facets.complete,
        }
    return body


def page_response(result: SearchResult) -> Response[Any]:
    """The response of a search page (profiles as the caller may see them)."""
    return Response(search_body(result))


def _tuple(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(values or ())


@get(
    "/v1/dancers",
    operation_id="searchDancers",
    summary="Search dancers",
    description=ORDER,
    tags=["dancers"],
    responses=problem_responses(422),
    guards=[known_query_parameters_only],
)
async def search_dancers(
    caller: CallerDep,
    cursor_codec: CursorCodecDep,
    search_backend: SearchBackendDep,
    q: Q = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    style: Styles = None,
    location: Locations = None,
    representationStatus: Representation = None,
    gender: Genders = None,
    unionMember: UnionMember = None,
    availableFrom: AvailableFrom = None,
    availableTo: AvailableTo = None,
    facets: WithFacets = False,
) -> Response[DancerPage]:
    query = SearchQuery(
        kinds=("dancer",),
        text=q or "",
        filters=SearchFilters(
            styles=_tuple(style),
            locations=_tuple(location),
            representation=_tuple(representationStatus),
            genders=_tuple(gender),
            union_member=unionMember,
            available=availability_range(availableFrom, availableTo),
        ),
        limit=limit,
        cursor=cursor,
        facets=facets,
    )
    result = await search_profiles(caller, query, cursor_codec, search_backend)
    return page_response(result)


@get(
    "/v1/choreographers",
    operation_id="searchChoreographers",
    summary="Search choreographers",
    description=ORDER,
    tags=["choreographers"],
    responses=problem_responses(422),
    guards=[known_query_parameters_only],
)
async def search_choreographers(
    caller: CallerDep,
    cursor_codec: CursorCodecDep,
    search_backend: SearchBackendDep,
    q: Q = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    style: Styles = None,
    location: Locations = None,
    verified: Verified = None,
    facets: WithFacets = False,
) -> Response[ChoreographerPage]:
    query = SearchQuery(
        kinds=("choreographer",),
        text=q or "",
        filters=SearchFilters(styles=_tuple(style), locations=_tuple(location), verified=verified),
        limit=limit,
        cursor=cursor,
        facets=facets,
    )
    result = await search_profiles(caller, query, cursor_codec, search_backend)
    return page_response(result)


@get(
    "/v1/search",
    operation_id="searchProfiles",
    summary="Search dancers and choreographers together",
    description=ORDER
    + " A filter that only one kind has (`verified`, `representationStatus`, `gender`,"
    " `unionMember`, availability) leaves the other kind out.",
    tags=["search"],
    responses=problem_responses(422),
    guards=[known_query_parameters_only],
)
async def search_everyone(
    caller: CallerDep,
    cursor_codec: CursorCodecDep,
    search_backend: SearchBackendDep,
    q: Q = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    style: Styles = None,
    location: Locations = None,
    representationStatus: Representation = None,
    gender: Genders = None,
    unionMember: UnionMember = None,
    verified: Verified = None,
    availableFrom: AvailableFrom = None,
    availableTo: AvailableTo = None,
    facets: WithFacets = False,
) -> Response[SearchPage]:
    query = SearchQuery(
        kinds=PROFILE_TYPES,
        text=q or "",
        filters=SearchFilters(
            styles=_tuple(style),
            locations=_tuple(location),
            representation=_tuple(representationStatus),
            genders=_tuple(gender),
            union_member=unionMember,
            verified=verified,
            available=availability_range(availableFrom, availableTo),
        ),
        limit=limit,
        cursor=cursor,
        facets=facets,
    )
    result = await search_profiles(caller, query, cursor_codec, search_backend)
    return page_response(result)
