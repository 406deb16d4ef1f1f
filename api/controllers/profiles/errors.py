"""The problem responses the content routes of a profile document."""

from litestar.openapi.datastructures import ResponseSpec

from api.errors import problem_responses

WRITE_ERRORS = problem_responses(403, 404, 409, 412, 413, 422)
READ_ERRORS = problem_responses(404)
REMOVE_RESPONSES = {
    **problem_responses(403, 404, 409, 412),
    204: ResponseSpec(
        data_container=None,
        description="Removed; `ETag` names the new version",
        generate_examples=False,
    ),
}
