"""Text clients send: normalised to NFC; control, bidi and invisible characters and
whitespace-only values refused (422); stored values are never held to these rules."""

import unicodedata

from bson import ObjectId
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard

REFUSED = [
    "Ana\r\nSmith",
    "Ana\x1b[31mRed",
    "\u202eanA",
    "A\u2066B\u2069",
    "An\u200ba",
    "An\u2060a",
    "\ufeffAna",
    "Ana\x85",
    "   ",
    "\u3000\u00a0",
]


async def test_names_refuse_controls_bidi_invisible_and_blank_values(client: Client) -> None:
    dancer = await onboard(client, "texts")
    path = f"/v1/dancers/{dancer['id']}"
    for name in REFUSED:
        response = await client.patch(path, json={"displayName": name}, headers=auth("texts"))
        assert response.status_code == 422, (name, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["displayName"]
    for text in ("line one\nline two\ttabbed", "Mañana 👩\u200d💻 नमस्ते\u200d"):
        bio = await client.patch(path, json={"bio": text}, headers=auth("texts"))
        assert bio.status_code == 200, text
    blank_bio = await client.patch(path, json={"bio": " \n "}, headers=auth("texts"))
    assert blank_bio.status_code == 422


async def test_text_is_stored_in_nfc(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    decomposed = "Jose\u0301 Mu\u0308ller"
    dancer = await onboard(client, "nfc", displayName=decomposed)
    assert dancer["displayName"] == unicodedata.normalize("NFC", decomposed) == "José Müller"
    stored = await raw_client[settings.db_name].dancers.find_one({"displayName": "José Müller"})
    assert stored is not None


async def test_stored_values_are_not_held_to_the_rules(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    """Legacy data may hold what a client may not send: it is served as stored, and a
    patch of another field leaves it alone."""
    dancer = await onboard(client, "legacy-text")
    changed = await raw_client[settings.db_name].dancers.update_one(
        {"_id": ObjectId(dancer["id"])}, {"$set": {"displayName": "Old\u200bName\r\n"}}
    )
    assert changed.modified_count == 1
    path = f"/v1/dancers/{dancer['id']}"
    read = await client.get(path, headers=auth("legacy-text"))
    assert read.status_code == 200
    assert read.json()["displayName"] == "Old\u200bName\r\n"
    patched = await client.patch(path, json={"bio": "new"}, headers=auth("legacy-text"))
    assert patched.status_code == 200
    assert patched.json()["displayName"] == read.json()["displayName"]
