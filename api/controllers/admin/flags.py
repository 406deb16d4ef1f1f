"""`/v1/admin/flags`: the rollout flags (admins only)."""

from litestar import Controller, get, patch
from litestar.params import JSONBody

from api.auth import admins_only
from api.deps import CallerDep
from api.errors import problem_responses
from api.schemas.flags import FlagsOut, FlagsPatch
from service.rollout.flags import get_flags_for_admin, set_flags


class FlagsController(Controller):
    path = "/v1/admin/flags"
    tags = ["admin"]
    guards = [admins_only]

    @get(
        "/",
        operation_id="getFlags",
        summary="The rollout flags (admin)",
        description="Dual write, read source, allowlist and percentage, as stored now. "
        "Each process applies a change within 2 seconds.",
        responses=problem_responses(403),
    )
    async def read_flags(self, caller: CallerDep) -> FlagsOut:
        return FlagsOut.model_validate((await get_flags_for_admin(caller)).view())

    @patch(
        "/",
        operation_id="updateFlags",
        summary="Change the rollout flags (admin; JSON merge patch)",
        description="Absent flags stay, `null` restores a flag's default. Returns the flags "
        "as stored.",
        responses=problem_responses(403, 413, 422),
    )
    async def change_flags(self, caller: CallerDep, data: JSONBody[FlagsPatch]) -> FlagsOut:
        flags = await set_flags(caller, data.model_dump(exclude_unset=True))
        return FlagsOut.model_validate(flags.view())
