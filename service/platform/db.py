"""Connecting to MongoDB and binding the Beanie documents."""

from dataclasses import dataclass
from typing import Any

from beanie import init_beanie
from opentelemetry.trace import TracerProvider
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from documents import ALL_DOCUMENTS, User
from service.platform.db_monitoring import LISTENERS
from service.platform.tracing import database_command_tracer

MongoDocument = dict[str, Any]


@dataclass
class Database:
    """The client and the database the documents are bound to."""

    client: AsyncMongoClient[MongoDocument]
    database: AsyncDatabase[MongoDocument]

    async def ping(self) -> None:
        """Raise a PyMongo error unless the server answers."""
        await self.database.command("ping")

    async def close(self) -> None:
        """Close the client's connections."""
        await self.client.close()


def create_client(
    url: str,
    server_selection_timeout_ms: int,
    operation_timeout_ms: int | None = 30_000,
    tracer_provider: TracerProvider | None = None,
) -> AsyncMongoClient[MongoDocument]:
    """An async client with short timeouts: the service fails fast, it does not hang.

    `operation_timeout_ms` None (batch jobs) lets PyMongo's transaction retries run their
    full course, e.g. while the server reaps a transaction a killed client left open.
    Its commands and connections are counted for `/metrics` (`db_monitoring`); with a
    `tracer_provider`, each command is also a span of the trace it is sent in.
    """
    listeners = LISTENERS
    if tracer_provider is not None:
        listeners = (*LISTENERS, database_command_tracer(tracer_provider))
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=server_selection_timeout_ms,
        connectTimeoutMS=server_selection_timeout_ms,
        timeoutMS=operation_timeout_ms,
        tz_aware=True,
        # a stored date out of Python's range (legacy data) reads as `DatetimeMS` instead
        # of failing the whole read: no document can break a batch or a request
        datetime_conversion="DATETIME_AUTO",
        uuidRepresentation="standard",
        event_listeners=listeners,
    )


async def connect(
    url: str,
    db_name: str,
    server_selection_timeout_ms: int = 5000,
    operation_timeout_ms: int | None = 30_000,
    tracer_provider: TracerProvider | None = None,
) -> Database:
    """Connect and bind every document model to `db_name` (its commands traced to
    `tracer_provider`, when given).

    Indexes are not created here: live collections get them from the migrations
    (`profiles migrate up`), which record dirty data before a unique index needs it clean.
    """
    client = create_client(url, server_selection_timeout_ms, operation_timeout_ms, tracer_provider)
    database = client[db_name]
    await bind_documents(database)
    return Database(client=client, database=database)


async def bind_documents(database: AsyncDatabase[MongoDocument]) -> None:
    """Bind every document model to `database` (`buildInfo` and `listCollections`; no
    index is made)."""
    await init_beanie(database=database, document_models=list(ALL_DOCUMENTS), skip_indexes=True)


def bound_client() -> AsyncMongoClient[MongoDocument]:
    """The client the documents are bound to (by `connect`)."""
    client: AsyncMongoClient[MongoDocument] = User.get_pymongo_collection().database.client
    return client


Session = AsyncClientSession
