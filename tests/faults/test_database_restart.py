"""The database stops and comes back under a running app: readiness follows it within
the server selection timeout, no request hangs, and the same app recovers by itself."""

import asyncio
import subprocess
import time
from pathlib import Path

import httpx
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from api.app import create_app
from migrations.runner import Runner, RunOptions
from service.platform.config import Settings
from service.platform.db import create_client
from service.platform.embedded import EmbeddedDatabase, free_port
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET, auth
from tests.serving import start_serve, stop

SELECTION_MS = 1000
BOUND_S = SELECTION_MS / 1000 + 2.0
"""The deadline plus a margin for some sixty requests answered at once on a busy 2-core
machine (a request that waited for server selection instead would take far longer)."""
"""No request may take longer than the server selection timeout plus a margin."""


async def _timed_get(client: AsyncTestClient, path: str, **kwargs: object) -> tuple[int, float]:  # type: ignore[type-arg]
    started = time.monotonic()
    response = await client.get(path, **kwargs)  # type: ignore[arg-type]
    return response.status_code, time.monotonic() - started


async def test_ready_follows_a_database_that_stops_and_restarts(tmp_path: Path) -> None:
    storage, port = tmp_path / "db", free_port()
    server = EmbeddedDatabase(storage, port=port, log_path=tmp_path / "db.log").start()
    try:
        migrator = create_client(server.url, 5000)
        await Runner(migrator["profiles"]).up(RunOptions(say=lambda line: None))
        await migrator.close()
        settings = Settings(
            mongodb_url=server.url,
            db_name="profiles",
            data_dir=tmp_path / "data",
            jwt_secret=SecretStr(TEST_SECRET),
            server_selection_timeout_ms=SELECTION_MS,
            operation_timeout_ms=SELECTION_MS,
            request_timeout_ms=SELECTION_MS,
        )
        async with AsyncTestClient(
            app=create_app(settings, expected_migrations=EXPECTED_MIGRATIONS)
        ) as client:
            assert (await client.get("/health/ready")).status_code == 200
            onboarded = await client.post(
                "/v1/me/onboarding", json={"profileType": "dancer"}, headers=auth("durable")
            )
            assert onboarded.status_code == 201

            await asyncio.to_thread(server.stop)
            ready = await _timed_get(client, "/health/ready")
            me = await _timed_get(client, "/v1/me", headers=auth("durable"))
            write = time.monotonic()
            patched = await client.patch("/v1/me", json={"fullName": "x"}, headers=auth("durable"))
            write_s = time.monotonic() - write
            assert ready[0] == 503 and ready[1] < BOUND_S, ready
            assert me[0] == 503 and me[1] < BOUND_S, me
            assert patched.status_code == 503 and write_s < BOUND_S, (patched.text, write_s)
            assert patched.headers["content-type"].startswith("application/problem+json")
            assert int(patched.headers["retry-after"]) >= 1

            await asyncio.to_thread(server.start)
            deadline = time.monotonic() + 15
            status = 503
            while status != 200 and time.monotonic() < deadline:
                status = (await client.get("/health/ready")).status_code
                await asyncio.sleep(0.2)
            assert status == 200
            me_after = await client.get("/v1/me", headers=auth("durable"))
            assert me_after.status_code == 200  # what was acknowledged before is still there
            assert me_after.json()["activeProfile"]["id"] == onboarded.json()["id"]
    finally:
        server.stop()


async def test_every_route_answers_by_its_deadline_while_the_database_is_down(
    tmp_path: Path,
) -> None:
    """Every operation of the document, sent at once with real ids to a running `profiles
    serve` while its database is stopped: each answers within the request deadline plus a
    margin, and a 5xx is a 503 with `Retry-After` (a request refused before it needs the
    database answers 4xx)."""
    storage, port = tmp_path / "db", free_port()
    server = EmbeddedDatabase(storage, port=port, log_path=tmp_path / "db.log").start()
    service: subprocess.Popen[bytes] | None = None
    try:
        migrator = create_client(server.url, 5000)
        await Runner(migrator["profiles"]).up(RunOptions(say=lambda line: None))
        await migrator.close()
        service, base = await asyncio.to_thread(
            start_serve,
            tmp_path,
            {
                "PROFILES_MONGODB_URL": server.url,
                "PROFILES_SERVER_SELECTION_TIMEOUT_MS": str(SELECTION_MS),
                "PROFILES_REQUEST_TIMEOUT_MS": str(SELECTION_MS),
                "PROFILES_RATE_LIMIT_PER_SECOND": "0",
                "PROFILES_RATE_LIMIT_SEARCH_PER_SECOND": "0",
            },
            ready_within=60,
        )
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            created = await client.post(
                "/v1/me/onboarding", json={"profileType": "dancer"}, headers=auth("down")
            )
            assert created.status_code == 201, created.text
            ids = {
                "profile_id": created.json()["id"],
                "item_id": "0" * 24,
                "record_id": "0" * 24,
                "storage_id": "shot",
                "profile_type": "dancer",
                "name": "starter",
            }
            document = (await client.get("/schema/openapi.json")).json()
            requests = [
                (method.upper(), path.format(**ids))
                for path, item in document["paths"].items()
                for method in item
            ]
            await asyncio.to_thread(server.stop)

            async def timed(method: str, path: str) -> tuple[str, str, int, float, str]:
                started = time.monotonic()
                response = await client.request(
                    method,
                    path,
                    json={} if method in ("POST", "PUT", "PATCH") else None,
                    headers=auth("down", admin=True),
                )
                elapsed = time.monotonic() - started
                retry_after = response.headers.get("retry-after", "")
                return method, path, response.status_code, elapsed, retry_after

            answers = await asyncio.gather(*(timed(method, path) for method, path in requests))
        slow = [answer for answer in answers if answer[3] >= BOUND_S]
        assert not slow, slow
        failed = [a for a in answers if a[2] >= 500 and (a[2] != 503 or not a[4].isdigit())]
        assert not failed, failed
        assert sum(1 for answer in answers if answer[2] == 503) >= len(answers) // 2
    finally:
        if service is not None:
            stop(service)
        server.stop()
