"""`GET /v1/dance-styles`: the dance styles the app knows."""

from litestar import get

from api.errors import problem_responses
from documents.dance_styles import known_dance_styles


@get(
    "/v1/dance-styles",
    operation_id="listDanceStyles",
    summary="The known dance styles",
    description="Styles typed in any case or punctuation are stored in this spelling;"
    " other styles are kept as typed.",
    tags=["vocabulary"],
    responses=problem_responses(),
)
async def dance_styles() -> list[str]:
    return known_dance_styles()
