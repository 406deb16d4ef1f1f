"""Bodies of `/v1/admin/flags`: the rollout flags and a JSON merge patch of them."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.schemas.fields import INTEGRAL, NO_NUL, RequestModel
from service.rollout.flags import ReadSource

AuthId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
MAX_ALLOWLIST = 1000


class FlagsOut(BaseModel):
    """The rollout flags as stored (defaults where none were set)."""

    dualWrite: bool = Field(
        description="Writes to a user's primary profile also write the legacy user fields"
    )
    readSource: ReadSource = Field(description="Where `GET /v1/me` reads profile fields from")
    readAllowlist: list[str] = Field(description="authIds that read from profiles regardless")
    readPercentage: int = Field(
        ge=0, le=100, description="Share of users (by a stable hash of the authId) reading profiles"
    )
    updatedAt: datetime | None = Field(description="When an admin last changed the flags")
    updatedBy: str | None = Field(description="The authId of that admin")


class FlagsPatch(RequestModel):
    """A JSON merge patch of the flags: absent flags stay, `null` restores the default."""

    dualWrite: bool | None = Field(default=None, description="Default: true")
    readSource: ReadSource | None = Field(default=None, description="Default: `legacy`")
    readAllowlist: Annotated[list[AuthId], Field(max_length=MAX_ALLOWLIST)] | None = Field(
        default=None, description="Replaces the whole list; default: empty"
    )
    readPercentage: Annotated[int, Field(ge=0, le=100), INTEGRAL] | None = Field(
        default=None, description="0-100; default: 0"
    )
