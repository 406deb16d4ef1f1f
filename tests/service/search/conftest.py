"""Search tests run once per backend: `tokens` with each of its readers (in index order,
as on mongod, and in key windows, as on the embedded server) always, `text` where the
test server has text indexes (real MongoDB); on a server that refuses them the `text`
runs are skipped, saying so."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from pymongo import TEXT, MongoClient
from pymongo.errors import OperationFailure

from service.platform.config import Settings
from tests.helpers import TEST_SECRET

_text_support: dict[str, bool] = {}


def server_has_text_indexes(url: str) -> bool:
    """Whether the server accepts a text index (tried once per session)."""
    if url not in _text_support:
        client: MongoClient[dict[str, object]] = MongoClient(url)
        try:
            collection = client["text_index_probe"]["probe"]
            collection.create_index([("t", TEXT)])
            _text_support[url] = True
        except OperationFailure:
            _text_support[url] = False
        finally:
            client.drop_database("text_index_probe")
            client.close()
    return _text_support[url]


@pytest.fixture(params=["tokens", "tokens-in-order", "text"])
def backend(request: pytest.FixtureRequest, mongodb_url: str) -> Iterator[str]:
    """The search backend under test (`tokens`: the reader the server gets)."""
    if request.param == "text" and not server_has_text_indexes(mongodb_url):
        pytest.skip(
            "the test server refuses text indexes (SecantusDB): the `text` backend is"
            " tested against MongoDB (PROFILES_TEST_MONGODB_URL)"
        )
    yield request.param


@pytest.fixture
def settings(mongodb_url: str, db_name: str, tmp_path: Path, backend: str) -> Settings:
    """Settings of the test's database with the backend under test."""
    return Settings(
        mongodb_url=mongodb_url,
        db_name=db_name,
        data_dir=tmp_path / "data",
        jwt_secret=SecretStr(TEST_SECRET),
        search_backend="tokens" if backend.startswith("tokens") else "text",
        search_reader="in-order" if backend == "tokens-in-order" else "auto",
    )
