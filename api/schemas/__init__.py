"""Request and response shapes as the OpenAPI schema declares them (pydantic models)."""
