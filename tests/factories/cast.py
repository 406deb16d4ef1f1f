"""A small cast of profiles that every search case is written against."""

from dataclasses import dataclass, replace
from typing import Any

from documents.vocabulary import ProfileType
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.profiles.by_id import update_profile
from service.profiles.verification import set_choreographer_verification
from service.search.backend import SearchBackend
from service.search.cursor import CursorCodec
from service.search.discovery import search_profiles
from service.search.query import SearchQuery
from tests.helpers import Client, auth, onboard


@dataclass(frozen=True)
class Person:
    sub: str
    kind: ProfileType
    fields: dict[str, Any]
    listed: bool = True
    verified: bool = False


def dancer(name: str, styles: list[str], locations: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "displayName": name,
        "resume": {"danceStyles": styles},
        "workLocation": locations,
        **extra,
    }


CAST = [
    Person(
        "gina-muller",
        "dancer",
        dancer(
            "Gina Müller",
            ["Hip-Hop", "Jazz"],
            ["Atlanta, GA"],
            representationStatus="represented",
            sagAftraId="SAG-1",
            attributes={"gender": "Female"},
        ),
    ),
    Person(
        "jose-ramirez",
        "dancer",
        dancer(
            "José Ramírez",
            ["Ballet", "Contemporary"],
            ["Los Angeles, CA"],
            representationStatus="seeking",
            attributes={"gender": "Male"},
        ),
    ),
    Person(
        "ines-dubois",
        "dancer",
        dancer("Inès Dubois", ["K-Pop"], ["New York, NY"], representationStatus="independent"),
    ),
    Person("ana-lee", "dancer", dancer("Ana Lee", ["Tap"], ["Atlanta, GA"])),
    Person(
        "anastasia-petrova",
        "dancer",
        dancer(
            "Anastasia Petrova",
            ["Ballet"],
            ["Atlanta, GA"],
            bio="Principal dancer, fifteen years on stage.",
            headshots=[{"storageId": "img-a", "url": "https://img.example.test/a.jpg"}],
            links=[{"label": "Reel", "url": "https://video.example.test/a"}],
            attributes={"gender": "Female", "hairColor": "Brown"},
        ),
    ),
    Person(
        "hidden-jazz", "dancer", dancer("Hidden Jazzer", ["Jazz"], ["Atlanta, GA"]), listed=False
    ),
    Person(
        "gina-stone",
        "choreographer",
        {**dancer("Gina Stone", ["Hip Hop"], ["Atlanta, GA"]), "companyName": "The Lab"},
        verified=True,
    ),
    Person(
        "marco-rossi",
        "choreographer",
        {**dancer("Marco Rossi", ["Jazz"], ["Chicago, IL"]), "companyName": "Jazz Works"},
    ),
]


async def seed(client: Client, cast: list[Person] = CAST) -> dict[str, str]:
    """Create the cast through the API; returns each person's profile id by `sub`."""
    ids: dict[str, str] = {}
    for person in cast:
        profile = await onboard(client, person.sub, person.kind, **person.fields)
        ids[person.sub] = profile["id"]
        path = f"/v1/{person.kind}s/{profile['id']}"
        if not person.listed:
            response = await client.patch(path, json={"listed": False}, headers=auth(person.sub))
            assert response.status_code == 200, response.text
        if person.verified:
            response = await client.put(f"{path}/verification", headers=auth("admin", admin=True))
            assert response.status_code == 200, response.text
    return ids


async def seed_directly(cast: list[Person] = CAST) -> dict[str, str]:
    """`seed` through the service layer (for tests without an HTTP client)."""
    ids: dict[str, str] = {}
    admin = Caller("admin", frozenset({"admin"}))
    for person in cast:
        created = await complete_onboarding(
            Caller(person.sub),
            person.kind,
            None,
            f"Person {person.sub}",
            person.fields,
        )
        ids[person.sub] = created.view["id"]
        if not person.listed:
            await update_profile(
                Caller(person.sub), person.kind, ids[person.sub], {"listed": False}, None
            )
        if person.verified:
            await set_choreographer_verification(admin, ids[person.sub], True)
    return ids


def names(body: dict[str, Any]) -> list[str]:
    """The display names of a page, in order."""
    return [item["displayName"] for item in body["items"]]


async def every_match(query: SearchQuery, codec: CursorCodec, backend: SearchBackend) -> list[str]:
    """The ids of every match of `query` on `backend`, following the cursors."""
    ids: list[str] = []
    while True:
        result = await search_profiles(Caller("reader"), query, codec, backend)
        ids += [item["id"] for item in result.items]
        if result.next_cursor is None:
            return ids
        query = replace(query, cursor=result.next_cursor)
