"""Discovery search: the use case behind `GET /v1/dancers`, `/v1/choreographers` and
`/v1/search`. Validates the query, runs it on the configured backend, signs the cursor
and decides what of each profile the caller may see."""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from documents import User
from service.accounts.ids import own_account_among
from service.platform.caller import Caller
from service.profiles.kinds import kind_of
from service.profiles.visibility import profile_view
from service.search.backend import Facets, SearchBackend, SearchStats
from service.search.cursor import CursorCodec
from service.search.query import SearchQuery, check_query
from service.search.text.backend import TextBackend, has_text_indexes
from service.search.tokens.backend import TokensBackend

logger = logging.getLogger("profiles.search")


@dataclass(frozen=True)
class SearchResult:
    """A page of results as the caller may see them."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    typo_tolerant: bool
    facets: Facets | None
    stats: SearchStats


def _scope(query: SearchQuery, backend: SearchBackend) -> str:
    """What a cursor is bound to: the search and the backend that read it (positions of
    one backend mean nothing to another; the `tokens` readers share theirs)."""
    digest = hashlib.sha256(query.identity().encode()).hexdigest()[:24]
    return f"search:{backend.name}:{digest}"


async def search_profiles(
    caller: Caller, query: SearchQuery, codec: CursorCodec, backend: SearchBackend
) -> SearchResult:
    """One page of listed profiles matching `query`, best first (see the backends).

    A cursor is valid only for the search and the backend that issued it (a different
    `q`, filters, path or backend is a 422), and only from this service's secret.
    """
    check_query(query)
    position = (
        None if query.cursor is None else codec.decode(query.cursor, scope=_scope(query, backend))
    )
    stats = SearchStats()
    page = await backend.search(query, position, stats)
    profiles = [
        kind_of(hit.profile_type).document.model_validate(hit.document) for hit in page.hits
    ]
    owners = {profile.userId for profile in profiles}
    own_id = (
        None if caller.is_admin or not owners else await own_account_among(caller.auth_id, owners)
    )
    items = []
    for profile in profiles:
        own = own_id is not None and profile.userId == own_id
        items.append(profile_view(profile, full=caller.is_admin or own))
    next_cursor = (
        None
        if page.next_position is None
        else codec.encode(page.next_position, scope=_scope(query, backend))
    )
    return SearchResult(items, next_cursor, page.typo_tolerant, page.facets, stats)


async def server_sorts_in_memory() -> bool:
    """True for the embedded server (SecantusDB, which says so in `buildInfo`): it sorts
    every match of a query in memory even where an index gives the order. Its `explain`
    shows a sort stage for every query, so a plan cannot tell; mongod reads such an
    index in order."""
    info = await User.get_pymongo_collection().database.command("buildInfo")
    return "secantusVersion" in info


async def choose_backend(name: str, reader: str = "auto") -> SearchBackend:
    """The backend the setting names, if this database can serve it; `tokens` otherwise
    (with one log line saying why). Its postings are read as `reader` says: `in-order`,
    `windowed`, or (`auto`) as the server can serve them (`TokensBackend.for_server`)."""
    sorts_in_memory = reader == "windowed" or (reader == "auto" and await server_sorts_in_memory())
    tokens = TokensBackend.for_server(sorts_in_memory=sorts_in_memory)
    if name == "text":
        if await has_text_indexes():
            return TextBackend(tokens)
        logger.warning(
            "search backend `text` needs the text indexes of migration 0007, which this"
            " database does not have (the server refuses text indexes, or migrations are"
            " pending): searching with `tokens` instead"
        )
    return tokens
