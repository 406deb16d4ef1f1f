"""What others may not see: unlisted profiles, one view's answer handed to another
reader, the embedded database's files."""

import stat
from pathlib import Path

from bson import ObjectId
from pymongo import AsyncMongoClient, MongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from service.platform.embedded import EmbeddedDatabase
from tests.helpers import Client, auth, onboard


async def test_an_unlisted_profile_is_not_found_by_others(client: Client) -> None:
    dancer = await onboard(client, "hidden", displayName="Hidden Dancer")
    path = f"/v1/dancers/{dancer['id']}"
    hidden = await client.patch(path, json={"listed": False}, headers=auth("hidden"))
    assert hidden.status_code == 200
    unknown = await client.get("/v1/dancers/0123456789abcdef01234567", headers=auth("walker"))
    for suffix in ("", "/headshots", "/links", "/resume", "/availability", "/projects"):
        stranger = await client.get(f"{path}{suffix}", headers=auth("walker"))
        assert stranger.status_code == 404, (suffix, stranger.text)
        assert stranger.json()["type"] == unknown.json()["type"]
    assert (await client.get(path, headers=auth("hidden"))).status_code == 200
    assert (await client.get(path, headers=auth("root", admin=True))).status_code == 200
    listed = await client.patch(path, json={"listed": True}, headers=auth("hidden"))
    assert listed.status_code == 200
    assert (await client.get(path, headers=auth("walker"))).status_code == 200


async def test_the_public_and_the_full_view_differ_in_etag_and_are_private(
    client: Client,
) -> None:
    dancer = await onboard(client, "viewed", sizing={"shoe": 9})
    path = f"/v1/dancers/{dancer['id']}"
    owner = await client.get(path, headers=auth("viewed"))
    stranger = await client.get(path, headers=auth("stranger"))
    assert owner.json()["sizing"] is not None and "sizing" not in stranger.json()
    version = owner.json()["version"]
    assert owner.headers["etag"] == f'"{version}"'
    assert stranger.headers["etag"] == f'"{version}-public"'
    for response in (owner, stranger):
        assert response.headers["cache-control"] == "private"
        assert "Authorization" in response.headers["vary"]
    shots = await client.get(f"{path}/headshots", headers=auth("stranger"))
    assert shots.headers["etag"] == f'"{version}-public"'
    # the full view's ETag is the one a write takes
    write = await client.patch(
        path, json={"bio": "x"}, headers={**auth("viewed"), "If-Match": owner.headers["etag"]}
    )
    assert write.status_code == 200
    refused = await client.get("/v1/me")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "private"


def test_the_embedded_database_files_are_its_users_alone(tmp_path: Path) -> None:
    storage = tmp_path / "db"
    storage.mkdir(mode=0o755)
    (storage / "left-by-an-old-release").write_text("x")
    (storage / "left-by-an-old-release").chmod(0o644)
    server = EmbeddedDatabase(str(storage), log_path=tmp_path / "db.log")
    with server:
        mongo: MongoClient[MongoDocument] = MongoClient(server.url, serverSelectionTimeoutMS=10_000)
        with mongo:
            mongo.test.things.insert_one({"x": 1})
    assert stat.S_IMODE(storage.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "db.log").stat().st_mode) == 0o600
    for path in storage.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


async def test_the_public_view_shows_only_declared_fields(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    """Keys that legacy data carried in and no document declares are the owner's alone."""
    dancer = await onboard(
        client, "legacy-keys", representation={"agencyName": "Stars"}, attributes={"gender": "f"}
    )
    changed = await raw_client[settings.db_name].dancers.update_one(
        {"_id": ObjectId(dancer["id"])},
        {
            "$set": {
                "representation.agentEmail": "agent@example.test",
                "attributes.dateOfBirth": "1990-01-01",
                "headshots": [{"storageId": "s", "url": "https://a.test/x", "exif": {"gps": 1}}],
            }
        },
    )
    assert changed.modified_count == 1
    path = f"/v1/dancers/{dancer['id']}"
    owner = (await client.get(path, headers=auth("legacy-keys"))).json()
    stranger = (await client.get(path, headers=auth("someone-else"))).json()
    assert owner["representation"]["agentEmail"] == "agent@example.test"
    assert owner["attributes"]["dateOfBirth"] == "1990-01-01"
    assert stranger["representation"] == {"agencyName": "Stars"}
    assert "dateOfBirth" not in stranger["attributes"] and stranger["attributes"]["gender"] == "f"
    assert "exif" not in stranger["headshots"][0] and "exif" in owner["headshots"][0]
    shots = (await client.get(f"{path}/headshots", headers=auth("someone-else"))).json()
    assert "exif" not in shots["items"][0]
