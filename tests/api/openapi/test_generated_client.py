"""A client generated from the committed `openapi.json` (openapi-python-client), run
through the core flow against the service as it is: every status it gets must be one
the document declares (`raise_on_unexpected_status`), and every body it parses must
hold no field the document does not name (`additional_properties` empty)."""

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.api.openapi.test_document import COMMITTED
from tests.helpers import Client, onboard, token

PACKAGE = "profiles_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated as an integrator would."""
    where = tmp_path_factory.mktemp("client")
    config = where / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator is not None, "openapi-python-client is a test dependency"
    result = subprocess.run(  # noqa: S603 (a tool of the test environment)
        [
            generator,
            "generate",
            "--path",
            str(COMMITTED),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout.replace("Warning(s) encountered while generating", "")
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _nothing_undeclared(value: Any, where: str = "body") -> None:
    """No parsed model anywhere in `value` holds a field its schema does not name."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _nothing_undeclared(item, f"{where}.{index}")
        return
    extra = getattr(value, "additional_properties", None)
    if extra is None:
        return
    assert extra == {}, f"undeclared fields at {where}: {sorted(extra)}"
    for name in getattr(type(value), "__attrs_attrs__", ()):
        if name.name != "additional_properties":
            _nothing_undeclared(getattr(value, name.name), f"{where}.{name.name}")


def _parsed(response: Any, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    _nothing_undeclared(response.parsed)
    return response.parsed


async def test_the_core_flow_through_a_generated_client(
    generated: ModuleType, client: Client
) -> None:
    models = _module("models")
    me = {name: _module(f"api.me.{name}") for name in ("onboard", "get_me", "add_profile")}
    switch = _module("api.me.switch_active_profile")
    dancers = {
        name: _module(f"api.dancers.{name}")
        for name in (
            "get_dancer",
            "update_dancer",
            "delete_dancer",
            "search_dancers",
            "add_dancer_headshot",
        )
    }
    api = generated.AuthenticatedClient(
        base_url=str(client.base_url), token=token("flow-ana"), raise_on_unexpected_status=True
    )
    # the requests go through the test client, which runs the app in this event loop
    client.headers["Authorization"] = f"Bearer {token('flow-ana')}"
    api.set_async_httpx_client(client)
    for n in range(3):  # others to page through
        await onboard(client, f"flow-other-{n}", displayName=f"Flowdancer {n}")

    body = models.DancerOnboarding(
        profile_type="dancer", display_name="Ana Flowdancer", email="ana@example.test"
    )
    created = await me["onboard"].asyncio_detailed(client=api, body=body)
    dancer = _parsed(created, 201)
    assert isinstance(dancer, models.DancerOut)
    assert created.headers["location"] == f"/v1/dancers/{dancer.id}"
    again = await me["onboard"].asyncio_detailed(client=api, body=body)
    assert _parsed(again, 200).id == dancer.id

    account = _parsed(await me["get_me"].asyncio_detailed(client=api), 200)
    assert isinstance(account.active_profile, models.DancerOut)
    assert account.active_profile.id == dancer.id

    added = await me["add_profile"].asyncio_detailed(
        client=api,
        body=models.AddedChoreographerProfile(
            profile_type="choreographer", display_name="Ana Makes Dances"
        ),
    )
    choreographer = _parsed(added, 201)
    assert isinstance(choreographer, models.ChoreographerOut)
    switched = await switch.asyncio_detailed(
        client=api,
        body=models.SwitchProfile(profile_type=models.SwitchProfileProfileType.CHOREOGRAPHER),
    )
    assert _parsed(switched, 200).id == choreographer.id

    read = await dancers["get_dancer"].asyncio_detailed(dancer.id, client=api)
    etag = read.headers["etag"]
    _parsed(read, 200)
    updated = await dancers["update_dancer"].asyncio_detailed(
        dancer.id, client=api, body=models.DancerPatch(bio="Jazz and tap"), if_match=etag
    )
    assert _parsed(updated, 200).bio == "Jazz and tap"
    stale = await dancers["update_dancer"].asyncio_detailed(
        dancer.id, client=api, body=models.DancerPatch(bio="lost"), if_match=etag
    )
    problem = _parsed(stale, 412)
    assert isinstance(problem, models.Problem)
    assert problem.type_ == models.ProblemType.STALE_VERSION

    found: list[str] = []
    cursor: Any = generated.types.UNSET
    for _ in range(10):
        page = _parsed(
            await dancers["search_dancers"].asyncio_detailed(
                client=api, q="flowdancer", limit=1, cursor=cursor
            ),
            200,
        )
        found += [item.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert dancer.id in found and len(found) == len(set(found)) == 4

    headshot = await dancers["add_dancer_headshot"].asyncio_detailed(
        dancer.id,
        client=api,
        body=models.NewHeadshot(storage_id="shot-1", url="https://img.example.test/a.jpg"),
        if_match=updated.headers["etag"],
    )
    assert [shot.storage_id for shot in _parsed(headshot, 201).items] == ["shot-1"]

    removed = await dancers["delete_dancer"].asyncio_detailed(
        dancer.id, client=api, if_match=headshot.headers["etag"]
    )
    assert removed.status_code == 204
    gone = await dancers["get_dancer"].asyncio_detailed(dancer.id, client=api)
    assert _parsed(gone, 404).type_ == models.ProblemType.NOT_FOUND
