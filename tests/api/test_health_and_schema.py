"""Health probes and the OpenAPI schema."""

from typing import Any

from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client


async def test_health_needs_no_token(client: Client) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_openapi_documents_every_operation_schema_and_error(client: Client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    assert schema["openapi"].startswith("3.1")
    components = schema["components"]["schemas"]
    for name in ("DancerOut", "ChoreographerOut", "MeOut", "Problem", "DancerPatch"):
        assert any(key.endswith(name) for key in components), name
    assert "BearerToken" in schema["components"]["securitySchemes"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not path.startswith("/v1"):
                continue
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if "requestBody" in operation:
                assert "422" in codes, (method, path)
                assert operation["responses"]["422"]["content"].get("application/problem+json")
    patch = schema["paths"]["/v1/dancers/{profile_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])


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
