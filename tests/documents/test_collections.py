"""One list of collections: the documents, the migrations and erasure agree with it."""

from documents import ALL_DOCUMENTS
from documents.collections import ALL_COLLECTIONS, PERSON_DATA
from migrations import collections as migration_names
from service.accounts.erasure import STEPS


def test_erasure_has_one_step_for_each_collection_that_holds_a_person() -> None:
    names = [collection for collection, _ in STEPS]
    assert sorted(names) == sorted(PERSON_DATA)
    assert names[-1] == "users"  # the account goes last


def test_every_collection_named_anywhere_is_in_the_list() -> None:
    assert {document.Settings.name for document in ALL_DOCUMENTS} <= set(ALL_COLLECTIONS)
    scripts = {
        value
        for name, value in vars(migration_names).items()
        if name.isupper() and isinstance(value, str)
    }
    assert scripts <= set(ALL_COLLECTIONS)
    assert len(ALL_COLLECTIONS) == len(set(ALL_COLLECTIONS))
