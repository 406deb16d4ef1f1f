"""OpenAPI links: how the answer of one operation names what the next one reads,
changes or removes (an id from the body, the `ETag` for `If-Match`). Clients and
stateful fuzzers follow them from creation to read, update and delete."""

from typing import Any

PROFILE_ID = "$response.body#/id"
ETAG = "$response.header.ETag"
KINDS = ("Dancer", "Choreographer")


def _link(operation_id: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters}


def profile_links() -> dict[str, dict[str, Any]]:
    """From an answer that is a profile of either kind (the link of the other kind ends
    in 404)."""
    links: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        links[f"get{kind}"] = _link(f"get{kind}", **{"path.profile_id": PROFILE_ID})
        links[f"update{kind}"] = _link(
            f"update{kind}", **{"path.profile_id": PROFILE_ID, "header.If-Match": ETAG}
        )
        links[f"delete{kind}"] = _link(
            f"delete{kind}", **{"path.profile_id": PROFILE_ID, "header.If-Match": ETAG}
        )
        links[f"add{kind}Headshot"] = _link(
            f"add{kind}Headshot", **{"path.profile_id": PROFILE_ID, "header.If-Match": ETAG}
        )
    return links


def item_links(kind: str, singular: str, id_parameter: str, id_source: str) -> dict[str, Any]:
    """From the answer that added an item (a section item, a record, a headshot) to its
    update and removal."""
    common = {
        "path.profile_id": "$request.path.profile_id",
        f"path.{id_parameter}": id_source,
        "header.If-Match": ETAG,
    }
    return {
        f"update{kind}{singular}": _link(f"update{kind}{singular}", **common),
        f"remove{kind}{singular}": _link(f"remove{kind}{singular}", **common),
    }
