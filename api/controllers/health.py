"""Liveness and readiness probes (no auth)."""

from litestar import Controller, Request, get
from litestar.exceptions import HTTPException
from pymongo.errors import PyMongoError

from api.errors import problem_responses
from api.schemas.responses import Health
from service.db import Database


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", summary="The process is up", exclude_from_auth=True)
    async def live(self) -> Health:
        return Health(status="ok")

    @get(
        "/ready",
        summary="The database answers",
        exclude_from_auth=True,
        responses=problem_responses(),
    )
    async def ready(self, request: Request) -> Health:  # type: ignore[type-arg]
        database: Database = request.app.state.database
        try:
            await database.ping()
        except PyMongoError as error:
            raise HTTPException(status_code=503, detail="the database does not answer") from error
        return Health(status="ready")
