"""One command to a server, outside any database the service works with: whether it
answers and what it is (a `ping` while the embedded database starts, a `hello` before a
command works on a database).

Through PyMongo's async client, made for the one command and closed after it: the sync
client leaves its monitor threads running after `close()`, and the interpreter waits for
them at exit (up to half a second of every `profiles` command). Monitoring polls
(`serverMonitoringMode="poll"`): no second, round-trip connection for a client that
lives for one command.
"""

from typing import Any

from pymongo import AsyncMongoClient


async def server_reply(url: str, command: str, timeout_ms: int) -> dict[str, Any]:
    """The server's reply to `command` (e.g. `ping`, `hello`) on `admin`, within
    `timeout_ms` to find the server and to connect; PyMongo's errors otherwise."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        serverMonitoringMode="poll",
    )
    try:
        return await client.admin.command(command)
    finally:
        await client.close()
