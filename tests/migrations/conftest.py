"""Migration tests start from an empty database with no migration applied."""

from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from service.platform.config import Settings
from service.platform.db import MongoDocument, create_client


@pytest.fixture
async def legacy_db(settings: Settings) -> AsyncIterator[AsyncDatabase[MongoDocument]]:
    """A database of this test's own, nothing applied; dropped afterwards."""
    assert settings.mongodb_url
    client: AsyncMongoClient[MongoDocument] = create_client(settings.mongodb_url, 5000)
    try:
        yield client[settings.db_name]
    finally:
        await client.drop_database(settings.db_name)
        await client.close()
