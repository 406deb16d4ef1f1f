"""The authorisation matrix: every operation of the route table x eight callers.

Callers: the owner of the resources the path names, another user, an admin, and five
kinds of bad credentials (none, expired, forged signature, `alg: none`, no `sub`). Each
column acts on a person of its own, so a column's writes (deletes included, run last)
cannot hide another column's result. Expected: bad credentials 401 everywhere; admin
routes and verification 403 for everyone but an admin; another user 403 on every write
to someone else's profile, and the public view on reads; the owner and the admin are
never refused (a 404 or 409 of the operation itself is fine). A refused call must change
nothing: the refused people's stored state is compared before and after.
"""

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from service.platform.config import Settings
from tests.api.test_authorization import (
    Operation,
    _token_without_sub,
    _unsigned_token,
    body_for,
    operations,
)
from tests.helpers import Client, auth, expired_token, forged_token, onboard

BAD_CREDENTIALS = ("none", "expired", "forged", "alg-none", "no-sub")
CALLERS = ("owner", "another user", "admin", *BAD_CREDENTIALS)
ADMIN_ONLY = re.compile(r"^/v1/admin/|/verification$")
WHOLE_DELETES = re.compile(r"^/v1/me$|^/v1/(dancers|choreographers)/\{profile_id(:str)?\}$")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Without rate limiting: each column is one caller sending every read at once."""
    return settings.model_copy(
        update={"rate_limit_per_second": 0, "rate_limit_search_per_second": 0}
    )


def headers_for(caller: str, person: str) -> dict[str, str]:
    tokens: dict[str, Callable[[], dict[str, str]]] = {
        "owner": lambda: auth(person),
        "another user": lambda: auth(f"{person}-intruder"),
        "admin": lambda: auth(f"{person}-admin", admin=True),
        "none": lambda: {},
        "expired": lambda: {"Authorization": f"Bearer {expired_token(person)}"},
        "forged": lambda: {"Authorization": f"Bearer {forged_token(person)}"},
        "alg-none": lambda: {"Authorization": f"Bearer {_unsigned_token(person)}"},
        "no-sub": lambda: {"Authorization": f"Bearer {_token_without_sub()}"},
    }
    return tokens[caller]()


def expected(caller: str, operation: Operation) -> str:
    """`refused-401`, `refused-403` or `allowed` (not refused, whatever else it says)."""
    if caller in BAD_CREDENTIALS:
        return "refused-401"
    if caller == "admin":
        return "allowed"
    if ADMIN_ONLY.search(operation.path):
        return "refused-403"
    names_a_profile = "{profile_id" in operation.path
    if caller == "another user" and names_a_profile and operation.method != "GET":
        return "refused-403"
    return "allowed"


def run_order(operation: Operation) -> tuple[int, str, str]:
    """Whole deletes last (the account at the very end), other deletes before them."""
    if operation.path == "/v1/me" and operation.method == "DELETE":
        return (3, operation.path, operation.method)
    if operation.method == "DELETE":
        return (2 if WHOLE_DELETES.search(operation.path) else 1, operation.path, "")
    return (0, operation.path, operation.method)


async def person(client: Client, sub: str) -> dict[str, str]:
    dancer = await onboard(client, sub)
    choreographer = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth(sub)
    )
    assert choreographer.status_code == 201, choreographer.text
    return {"dancer": dancer["id"], "choreographer": choreographer.json()["id"]}


async def stored_state(client: Client, sub: str, ids: dict[str, str]) -> list[Any]:
    """What the person's account holds, as their own calls show it."""
    admin = auth("state-reader", admin=True)
    state: list[Any] = [(await client.get("/v1/me", headers=auth(sub))).json()]
    for kind, profile_id in ids.items():
        base = f"/v1/{kind}s/{profile_id}"
        state.append((await client.get(base, headers=admin)).json())
        for part in ("headshots", "links", "resume", "projects", "training"):
            state.append((await client.get(f"{base}/{part}", headers=admin)).json())
    return state


async def test_every_operation_for_every_caller(client: Client, app: Litestar) -> None:
    every = sorted(operations(app, writes=True) + operations(app, writes=False), key=run_order)
    assert len(every) > 80
    people = {caller: f"matrix-{index}" for index, caller in enumerate(CALLERS)}
    ids = {caller: await person(client, sub) for caller, sub in people.items()}
    await onboard(client, f"{people['another user']}-intruder")
    refused_people = [c for c in CALLERS if c in BAD_CREDENTIALS or c == "another user"]
    before = {c: await stored_state(client, people[c], ids[c]) for c in refused_people}

    outcomes: Counter[str] = Counter()
    wrong: list[str] = []
    unauthorised_2xx = 0
    for caller in CALLERS:
        for operation in every:
            want = expected(caller, operation)
            response = await client.request(
                operation.method,
                operation.url(ids[caller]),
                json=body_for(operation),
                headers=headers_for(caller, people[caller]),
            )
            status = response.status_code
            outcomes[f"{caller}: {want}"] += 1
            if want.startswith("refused") and 200 <= status < 300:
                unauthorised_2xx += 1
            ok = (
                status == int(want[-3:])
                if want.startswith("refused")
                else status not in (401, 403) and status < 500
            )
            if not ok:
                wrong.append(
                    f"{caller} {operation.method} {operation.path} -> {status} (want {want})"
                )
    after = {c: await stored_state(client, people[c], ids[c]) for c in refused_people}
    requests = sum(outcomes.values())
    print(
        f"auth matrix: {len(every)} operations x {len(CALLERS)} callers = {requests} requests;"
        f" unauthorised 2xx: {unauthorised_2xx}"
    )
    assert unauthorised_2xx == 0
    assert not wrong, "\n".join(wrong)
    for caller in refused_people:
        assert after[caller] == before[caller], caller
