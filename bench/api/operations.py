"""The requests of the API benchmark: each client works on its own accounts' dancer
profiles."""

import random

from bench.harness.accounts import Account
from bench.harness.slices import MakeRequest, Request

OPERATIONS = ("get", "patch", "search")
"""Measured against the bare app; `me` (`PATCH /v1/me`) is the service's alone."""
QUERIES = ("ol", "wil", "garcia", "chicago")
"""The search words, in turn: a prefix, a prefix, a surname, a city of the seeded
accounts (`bench.harness.accounts`)."""
COLLECTION = "dancers"


def make_request(operation: str, account: Account, number: int) -> Request:
    """Request `number` of `operation` by `account`, on its own dancer profile."""
    profile = f"/v1/{COLLECTION}/{account.dancer_id}"
    if operation == "get":
        return "GET", profile, None, None
    if operation == "patch":
        return "PATCH", profile, {"bio": f"edited {number} {random.random():.6f}"}, None
    if operation == "search":
        return "GET", f"/v1/{COLLECTION}", None, {"q": QUERIES[number % len(QUERIES)]}
    if operation == "me":
        body = {"activeProfile": {"bio": f"me {number} {random.random():.6f}"}}
        return "PATCH", "/v1/me", body, None
    raise ValueError(operation)


def requests_of(operation: str) -> MakeRequest:
    """`make_request` for one operation."""

    def make(account: Account, number: int) -> Request:
        """Request `number` of the operation by `account`."""
        return make_request(operation, account, number)

    return make
