"""`/v1/choreographers/{id}/verification`: the verified badge (admins only)."""

from litestar import Controller, delete, put
from litestar.response import Response

from api.controllers.params import ProfileId
from api.controllers.responses import ETAG, profile_response
from api.deps import CallerDep
from api.errors import problem_responses
from api.schemas.responses import ChoreographerOut
from service.profiles.verification import set_choreographer_verification


class VerificationController(Controller):
    path = "/v1/choreographers/{profile_id:str}/verification"
    tags = ["choreographers"]

    @put(
        "/",
        operation_id="verifyChoreographer",
        summary="Verify a choreographer (admin)",
        responses=problem_responses(403, 404),
        opt=ETAG,
    )
    async def verify(self, caller: CallerDep, profile_id: ProfileId) -> Response[ChoreographerOut]:
        result = await set_choreographer_verification(caller, profile_id, verified=True)
        return profile_response(result)

    @delete(
        "/",
        operation_id="unverifyChoreographer",
        opt=ETAG,
        summary="Remove a choreographer's verification (admin)",
        status_code=200,
        responses=problem_responses(403, 404),
    )
    async def unverify(
        self, caller: CallerDep, profile_id: ProfileId
    ) -> Response[ChoreographerOut]:
        result = await set_choreographer_verification(caller, profile_id, verified=False)
        return profile_response(result)
