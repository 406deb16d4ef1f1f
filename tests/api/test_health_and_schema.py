"""Health probes (the OpenAPI document: `tests/api/openapi/`)."""

from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client


async def test_health_needs_no_token(client: Client) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_ready_is_503_while_a_migration_is_pending(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await raw_client[settings.db_name].migration_state.update_one(
        {"_id": 3}, {"$set": {"status": "partial"}}
    )
    response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "0003" in response.json()["detail"]
    assert response.json()["pendingMigrations"] == [3]
