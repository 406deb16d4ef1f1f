"""`/v1/admin/flags`: the rollout flags (admins only)."""

from typing import Annotated, Literal

from litestar import Controller, get, patch
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from api.controllers.common import AuthRequest
from api.errors import problem_responses
from api.schemas.fields import RequestModel, ShortText
from service.flags import get_rollout_for_admin, set_rollout


class RolloutOut(BaseModel):
    """The rollout flags."""

    dualWrite: bool
    readSource: Literal["legacy", "profiles"]
    readAllowlist: list[str]
    readPercentage: int


class RolloutPatch(RequestModel):
    """Flags to change; absent ones stay."""

    dualWrite: bool | None = None
    readSource: Literal["legacy", "profiles"] | None = None
    readAllowlist: Annotated[list[ShortText], Field(max_length=1000)] | None = None
    readPercentage: Annotated[int, Field(ge=0, le=100)] | None = None


class FlagsController(Controller):
    path = "/v1/admin/flags"
    tags = ["admin"]

    @get("/", summary="The rollout flags (admin)", responses=problem_responses(403))
    async def read_flags(self, request: AuthRequest) -> RolloutOut:
        return RolloutOut.model_validate((await get_rollout_for_admin(request.user)).view())

    @patch("/", summary="Change rollout flags (admin)", responses=problem_responses(403, 422))
    async def change_flags(self, request: AuthRequest, data: JSONBody[RolloutPatch]) -> RolloutOut:
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        return RolloutOut.model_validate((await set_rollout(request.user, changes)).view())
