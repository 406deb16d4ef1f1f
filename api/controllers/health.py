"""Liveness and readiness probes (no auth)."""

from litestar import Controller, get
from litestar.datastructures import State

from api.deps import DatabaseDep, ExpectedMigrationsDep
from api.schemas.responses import Health
from service.platform.errors import Unavailable
from service.platform.readiness import check_ready

NO_TOKEN: list[dict[str, list[str]]] = [{}]
"""An OpenAPI security requirement that asks for nothing: probes take no token."""


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(
        "/live",
        operation_id="getLiveness",
        summary="The process is up",
        description="503 when the embedded database died and could not be restarted",
        exclude_from_auth=True,
        security=NO_TOKEN,
    )
    async def live(self, state: State) -> Health:
        if not state.liveness():
            raise Unavailable(
                "the embedded database died and could not be restarted: restart the service"
            )
        return Health(status="ok")

    @get(
        "/ready",
        operation_id="getReadiness",
        summary="The database answers and no migration is pending",
        exclude_from_auth=True,
        security=NO_TOKEN,
    )
    async def ready(
        self, database: DatabaseDep, expected_migrations: ExpectedMigrationsDep
    ) -> Health:
        await check_ready(database, expected_migrations)
        return Health(status="ready")
