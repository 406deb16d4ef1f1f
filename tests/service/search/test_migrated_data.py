"""Search over migrated legacy data, and the service's start on a server without text
indexes."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pymongo import AsyncMongoClient

from api.app import create_app
from migrations.runner import Runner, RunOptions
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.factories.legacy import load_legacy
from tests.helpers import EXPECTED_MIGRATIONS, auth
from tests.service.search.conftest import server_has_text_indexes


class Collecting(logging.Handler):
    """Keeps the records it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def migrated(settings: Settings) -> AsyncIterator[list[MongoDocument]]:
    """The legacy sample, migrated; yields its users."""
    assert settings.mongodb_url
    client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(settings.mongodb_url)
    db = client[settings.db_name]
    try:
        users = (await load_legacy(db))["users"]
        await Runner(db).up(RunOptions(say=lambda line: None))
        yield users
    finally:
        await client.drop_database(settings.db_name)
        await client.close()


async def every_page(client: AsyncTestClient[Any], path: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    while True:
        response = await client.get(path, params=params, headers=auth("reader"))
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["nextCursor"] is None:
            return items
        params["cursor"] = body["nextCursor"]


@pytest.mark.parametrize("backend", ["tokens"], indirect=True)
async def test_migrated_profiles_of_onboarded_users_are_listed_and_found(
    settings: Settings, migrated: list[MongoDocument]
) -> None:
    onboarded = {
        str(user["_id"])
        for user in migrated
        if user.get("onboardingComplete") is True
        and str(user.get("profileType") or "").strip().lower() in ("dancer", "choreographer")
    }
    async with AsyncTestClient(
        app=create_app(settings, expected_migrations=EXPECTED_MIGRATIONS)
    ) as client:
        listed = await every_page(client, "/v1/search", limit=100)
        assert {item["userId"] for item in listed} == onboarded
        assert len(listed) == len(onboarded)
        someone = next(item for item in listed if item["displayName"])
        word = someone["displayName"].split()[0]
        found = await every_page(client, "/v1/search", q=word[:3], limit=100)
        assert someone["id"] in {item["id"] for item in found}


@pytest.mark.parametrize("backend", ["text"])
async def test_the_text_backend_falls_back_to_tokens_with_one_log_line(
    settings: Settings, mongodb_url: str, backend: str
) -> None:
    if server_has_text_indexes(mongodb_url):
        pytest.skip("this server has text indexes: there is nothing to fall back from")
    settings = settings.model_copy(update={"search_backend": backend})
    assert settings.mongodb_url
    runner_client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(settings.mongodb_url)
    try:
        await Runner(runner_client[settings.db_name]).up(RunOptions(say=lambda line: None))
        handler = Collecting()
        records = handler.records
        search_log = logging.getLogger("profiles.search")
        search_log.addHandler(handler)
        try:
            async with AsyncTestClient(
                app=create_app(settings, expected_migrations=EXPECTED_MIGRATIONS)
            ) as client:
                response = await client.get("/v1/search", params={"q": "gin"}, headers=auth("r"))
                assert response.status_code == 200
                assert client.app.state.search_backend.name == "tokens"
        finally:
            search_log.removeHandler(handler)
        lines = [record.getMessage() for record in records]
        assert len(lines) == 1 and "searching with `tokens` instead" in lines[0]
        assert records[0].levelno == logging.WARNING
    finally:
        await runner_client.drop_database(settings.db_name)
        await runner_client.close()
