"""A profile's content, a piece at a time, under `/v1/{dancers|choreographers}/{id}/`:
headshots, links, resume, representation, and the phase-6 sections (availability,
specialisations, videos, auditions, workshops, rate cards, portfolio).

Reads need any valid token; writes the profile's owner or an admin. Every response
carries the profile's `ETag`; every write takes `If-Match` (stale: 412).
"""

from litestar import Router

from api.controllers.profiles.headshots import headshot_handlers
from api.controllers.profiles.parts import part_handlers
from api.controllers.profiles.sections import section_handlers
from documents.vocabulary import ProfileType
from service.profiles.content.sections import SECTIONS


def profile_content_router(profile_type: ProfileType) -> Router:
    """The content routes of one kind of profile."""
    handlers = headshot_handlers(profile_type) + part_handlers(profile_type)
    for path, section in SECTIONS.items():
        if profile_type in section.kinds:
            handlers += section_handlers(profile_type, path)
    return Router(
        path=f"/v1/{profile_type}s/{{profile_id:str}}",
        route_handlers=handlers,
        tags=[f"{profile_type}s"],
    )
