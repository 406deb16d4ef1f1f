"""Liveness and readiness probes (no auth)."""

from litestar import Controller, Request, get

from api.errors import problem_responses
from api.schemas.responses import Health
from service.db import Database
from service.readiness import check_ready

NO_TOKEN: list[dict[str, list[str]]] = [{}]
"""An OpenAPI security requirement that asks for nothing: probes take no token."""


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", summary="The process is up", exclude_from_auth=True, security=NO_TOKEN)
    async def live(self) -> Health:
        return Health(status="ok")

    @get(
        "/ready",
        summary="The database answers and no migration is pending",
        exclude_from_auth=True,
        security=NO_TOKEN,
        responses=problem_responses(public=True),
    )
    async def ready(self, request: Request) -> Health:  # type: ignore[type-arg]
        database: Database = request.app.state.database
        await check_ready(database)
        return Health(status="ready")
