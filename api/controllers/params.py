"""Path parameters more than one controller takes."""

from typing import Annotated

from litestar.params import PathParameter

ProfileId = Annotated[str, PathParameter(description="The profile's id (24 hex digits)")]
