"""Constrained field types of request bodies: the limits of what clients may send."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class RequestModel(BaseModel):
    """A request body: unknown fields (server-owned ones among them) are refused."""

    model_config = ConfigDict(extra="forbid")


NO_NUL = r"^[^\x00]*$"
"""Strings never carry NUL characters."""

ShortText = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Title = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
StorageId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
HttpUrl = Annotated[
    str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/$.?#\x00][^\s\x00]*$")
]
Email = Annotated[
    str, StringConstraints(max_length=320, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")
]
Phone = Annotated[str, StringConstraints(max_length=50, pattern=NO_NUL)]
SizeValue = (
    Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]
    | Annotated[int, Field(ge=0, le=1000)]
    | Annotated[float, Field(ge=0, le=1000)]
)

MAX_HEADSHOTS = 20
MAX_LINKS = 20
MAX_LIST = 50
