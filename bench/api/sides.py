"""The two sides of the API benchmark (the service and the bare app), and the check that
the bare app sends the service's database commands (`bench.api.profiler`): a request of
each operation after an unrecorded one, so that the caches of both sides are warm."""

import argparse
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.api.operations import OPERATIONS, QUERIES, make_request
from bench.api.profiler import (
    commands_line,
    profiled,
    same_commands,
    without_session,
)
from bench.harness.accounts import Account
from bench.wire import Document


@dataclass
class Bench:
    """The two servers, their clients, the accounts and the settings of a run."""

    args: argparse.Namespace
    service: httpx.AsyncClient
    bare: httpx.AsyncClient | None
    database: AsyncMongoClient[Document]
    db_name: str
    accounts: list[Account]
    admin: dict[str, str]
    pids: dict[str, dict[str, int | None]] = field(default_factory=dict)
    """per side: the process ids of `app` (the server) and `db`"""

    @property
    def groups(self) -> list[list[Account]]:
        """The accounts of each client (disjoint: no two clients write one profile)."""
        clients: int = self.args.clients
        return [self.accounts[i::clients] for i in range(clients)]

    def target(self, side: str) -> httpx.AsyncClient:
        """The HTTP client of `service` or `bare`."""
        client = self.service if side == "service" else self.bare
        if client is None:
            raise RuntimeError("the bare app is not running")
        return client

    async def call(self, side: str, operation: str, number: int = 0) -> httpx.Response:
        """One request of `operation` as the first account, checked."""
        method, path, body, params = make_request(operation, self.accounts[0], number)
        response = await self.target(side).request(
            method, path, json=body, params=params, headers=self.accounts[0].headers
        )
        response.raise_for_status()
        return response

    async def trace(
        self, side: str, operation: str, number: int = 0
    ) -> tuple[httpx.Response, list[Document]]:
        """One request (after one unrecorded, to fill caches) and its commands."""
        await self.call(side, operation, number)
        action = partial(self.call, side, operation, number)
        return await profiled(self.database, self.db_name, action)

    async def set_dual_write(self, on: bool) -> None:
        """Switch the flag through the admin endpoint (the service applies it at once)."""
        response = await self.service.patch(
            "/v1/admin/flags",
            json={"dualWrite": on, "readSource": "profiles"},
            headers=self.admin,
        )
        response.raise_for_status()


async def search_plan(bench: Bench) -> dict[str, Any]:
    """For each query: the finds of profiles the service sent for it (after two unrecorded
    runs: a walk starts from the density an earlier walk of the token saw), and how many
    items it returned. The caller's account id is not part of the plan: the bare app
    looks it up as the service does."""
    plan: dict[str, Any] = {}
    for number, query in enumerate(QUERIES):
        await bench.call("service", "search", number)
        response, commands = await bench.trace("service", "search", number)
        finds = [c for c in commands if next(iter(c)) == "find" and c["find"] != "users"]
        if any(next(iter(c)) != "find" for c in commands):
            raise SystemExit(f"search q={query!r} sent more than finds of profiles: {commands}")
        plan[query] = {
            "finds": [without_session(find) for find in finds],
            "items": len(response.json()["items"]),
        }
    return plan


async def compare_commands(bench: Bench) -> bool:
    """Trace each operation on both sides, print the commands, say whether the service
    sends no more than the bare app (the fewest the result needs; a search page replays
    the service's own walk, so there the lists must agree); then print what `PATCH
    /v1/me` sends with dual write on and off."""
    agree = True
    for operation in OPERATIONS:
        numbers = range(len(QUERIES)) if operation == "search" else range(1)
        for number in numbers:
            lists = {}
            for side in ("service", "bare"):
                _, lists[side] = await bench.trace(side, operation, number)
            if operation == "search":
                # the same walk; the caller's account id is each side's own business (the
                # service reads it again while the owners found are younger than what it
                # remembers, as the seeded accounts are here)
                within = same_commands(*(_profile_finds(lists[side]) for side in lists))
            else:
                within = len(lists["service"]) <= len(lists["bare"])
            agree = agree and within
            label = operation if operation != "search" else f"search q={QUERIES[number]}"
            print(
                f"{label}: service {len(lists['service'])} commands, bare (the limit)"
                f" {len(lists['bare'])}: {'within' if within else 'MORE'}"
            )
            print(commands_line("service", lists["service"]))
            print(commands_line("bare", lists["bare"]))
    for on in (True, False):
        await bench.set_dual_write(on)
        _, commands = await bench.trace("service", "me")
        print(commands_line(f"PATCH /v1/me, dual write {'on' if on else 'off'}", commands))
    await bench.set_dual_write(True)
    return agree


def _profile_finds(commands: list[Document]) -> list[Document]:
    return [c for c in commands if not (next(iter(c)) == "find" and c.get("find") == "users")]
