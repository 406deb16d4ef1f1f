"""Constrained field types of request bodies: the limits of what clients may send."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class RequestModel(BaseModel):
    """A request body: unknown fields (server-owned ones among them) are refused."""

    model_config = ConfigDict(extra="forbid")


ShortText = Annotated[str, StringConstraints(max_length=100)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
StorageId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
HttpUrl = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/$.?#][^\s]*$")]
Email = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, StringConstraints(max_length=50)]
SizeValue = (
    Annotated[str, StringConstraints(max_length=20)] | Annotated[float, Field(ge=0, le=1000)]
)

MAX_HEADSHOTS = 20
MAX_LINKS = 20
MAX_LIST = 50
