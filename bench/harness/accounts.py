"""Accounts made through the service's HTTP API, as the app makes them: each onboards
as a dancer (a name and two work locations drawn from the first few of the test data's
words, `tests.factories.words`), and every other one adds a choreographer profile."""

import asyncio
import random
from dataclasses import dataclass

import httpx

from bench.harness.tokens import bearer
from tests.factories.words import CITIES, FIRST_NAMES, LAST_NAMES

SEED_FIRST_NAMES = FIRST_NAMES[:10]
"""Olivia, Liam, Sofia, Emma, Noah, Ava, Mia, Oliver, Isabella, Elijah."""
SEED_LAST_NAMES = LAST_NAMES[:8]
"""Smith, Johnson, Williams, Brown, Müller, Jones, Garcia, Miller."""
SEED_CITIES = CITIES[:6]
"""Los Angeles, New York, Atlanta, Chicago, Miami, Las Vegas."""
CONCURRENT_SIGN_UPS = 16


@dataclass
class Account:
    """A seeded account: its `sub`, its request headers and its dancer profile."""

    sub: str
    headers: dict[str, str]
    dancer_id: str = ""
    two_profiles: bool = False


async def seed(client: httpx.AsyncClient, secret: str, users: int, run: str) -> list[Account]:
    """`users` accounts named `load-{run}-{n}`, onboarded as dancers through `client`;
    the even-numbered ones also get a choreographer profile (drawn from `run`: the same
    run id, the same names)."""
    chooser = random.Random(run)

    async def one(index: int) -> Account:
        sub = f"load-{run}-{index}"
        account = Account(sub, bearer(secret, sub))
        body = {
            "profileType": "dancer",
            "fullName": f"{chooser.choice(SEED_FIRST_NAMES)} {chooser.choice(SEED_LAST_NAMES)}",
            "workLocation": chooser.sample(SEED_CITIES, 2),
            "bio": f"dancer number {index}",
        }
        response = await client.post("/v1/me/onboarding", json=body, headers=account.headers)
        response.raise_for_status()
        account.dancer_id = response.json()["id"]
        if index % 2 == 0:
            added = await client.post(
                "/v1/me/profiles",
                json={"profileType": "choreographer", "companyName": f"Company {index}"},
                headers=account.headers,
            )
            added.raise_for_status()
            account.two_profiles = True
        return account

    accounts: list[Account] = []
    for start in range(0, users, CONCURRENT_SIGN_UPS):
        batch = range(start, min(start + CONCURRENT_SIGN_UPS, users))
        accounts.extend(await asyncio.gather(*(one(index) for index in batch)))
    return accounts
