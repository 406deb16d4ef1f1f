"""The Litestar application factory."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.pydantic import PydanticPlugin
from opentelemetry.trace import TracerProvider

from api.access_log import access_log
from api.allow import allow_every_method, remember_allowed_methods
from api.auth import jwt_auth
from api.cache_headers import private_answers
from api.controllers.admin.flags import FlagsController
from api.controllers.admin.templates import ProfileTemplatesController
from api.controllers.admin.verification import VerificationController
from api.controllers.health import HealthController
from api.controllers.me import MeController
from api.controllers.profiles.by_id import choreographers_router, dancers_router
from api.controllers.profiles.content import profile_content_router
from api.controllers.profiles.records import profile_records_router
from api.controllers.profiles.vocabulary import dance_styles
from api.controllers.search import search_choreographers, search_dancers, search_everyone
from api.deadline import request_clock, request_deadline
from api.deps import DEPENDENCIES
from api.errors import problem_details_plugin, validation_problem
from api.isolation import isolate_request_context
from api.observability import (
    MetricsController,
    MetricsPage,
    count_unseen,
    echo_request_id,
    prometheus_config,
    request_id_middleware,
)
from api.openapi.document import ContractJsonPlugin
from api.provider_tokens import provider_keys
from api.query_guard import query_parameters_as_declared
from api.rate_limit import rate_limit_config
from api.tracing import name_span_by_route, tracing_plugin
from service.platform.config import Settings
from service.platform.db import connect
from service.platform.readiness import ExpectedMigrations
from service.platform.secrets import service_secret
from service.search.cursor import CursorCodec
from service.search.discovery import choose_backend

logger = logging.getLogger("profiles")


def create_app(
    settings: Settings,
    *,
    expected_migrations: ExpectedMigrations,
    database_url: str | None = None,
    liveness: Callable[[], bool] = lambda: True,
    tracer_provider: TracerProvider | None = None,
) -> Litestar:
    """The API, connected on startup to `database_url` (default: the configured URL);
    ready once the database has every migration of `expected_migrations.required`; live
    while `liveness` says so (an embedded database that died and could not come back).
    With a `tracer_provider`, every request is a trace (its database commands its
    spans) sent to it; without one, nothing of tracing runs."""
    url = database_url or settings.mongodb_url
    if not url:
        raise ValueError("a database URL is needed: set PROFILES_MONGODB_URL or start one")
    secret = service_secret(settings)
    keys = provider_keys(settings) if settings.jwt_jwks_url else None

    @asynccontextmanager
    async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
        database = await connect(
            url,
            settings.db_name,
            settings.server_selection_timeout_ms,
            settings.operation_timeout_ms,
            tracer_provider,
        )
        app.state.database = database
        app.state.search_backend = await choose_backend(
            settings.search_backend, settings.search_reader
        )
        if keys is not None:
            keys.prefetch()  # the first tokens find the keys in hand
        try:
            yield
        finally:
            if keys is not None:
                await keys.aclose()
            await database.close()

    auth = jwt_auth(secret, settings, keys)
    rate_limit = rate_limit_config(
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
        search_per_second=settings.rate_limit_search_per_second,
        search_burst=settings.rate_limit_search_burst,
    )
    prometheus = prometheus_config()
    app = Litestar(
        route_handlers=[
            HealthController,
            MetricsController,
            MeController,
            dancers_router(),
            choreographers_router(),
            profile_content_router("dancer"),
            profile_content_router("choreographer"),
            profile_records_router("dancer"),
            profile_records_router("choreographer"),
            dance_styles,
            search_dancers,
            search_choreographers,
            search_everyone,
            VerificationController,
            FlagsController,
            ProfileTemplatesController,
        ],
        lifespan=[database_lifespan],
        on_app_init=[auth.on_app_init],
        # outermost first (Litestar puts the JWT middleware before all of these; the
        # request's own context, its request id, the count of answers Litestar's
        # Prometheus middleware does not see and the access log wrap everything, below):
        # the rate limit refusing before any other work (its 429 is an exception, which
        # that middleware, around it, would count as a 200), the metrics of every answer
        # after it, then the request's deadline and the cancellation of abandoned reads
        # around everything that reads the database
        middleware=[
            *([] if rate_limit is None else [rate_limit.middleware]),
            prometheus.middleware,
            request_deadline(settings.request_timeout_ms / 1000),
        ],
        before_send=[
            echo_request_id,
            allow_every_method,
            private_answers,
            *([] if tracer_provider is None else [name_span_by_route]),
        ],
        logging_config=None,  # logging is configured once, by the process (service.platform.logs)
        plugins=[
            problem_details_plugin(),
            # request bodies validated strictly: `"5"` is no number, `1` no `true` (the
            # plugin's default passes `strict=False`, which overrides every model's config)
            PydanticPlugin(validate_strict=True),
            *([] if tracer_provider is None else [tracing_plugin(tracer_provider)]),
        ],
        exception_handlers={ValidationException: validation_problem},
        request_max_body_size=settings.max_body_bytes,
        state=State(
            {
                "cursor_codec": CursorCodec(secret.encode()),
                "metrics_page": MetricsPage(),
                "liveness": liveness,
                "metrics_token": (
                    settings.metrics_token.get_secret_value() if settings.metrics_token else None
                ),
                "expected_migrations": expected_migrations,
            }
        ),
        dependencies=DEPENDENCIES,
        guards=[query_parameters_as_declared],
        openapi_config=OpenAPIConfig(
            title="Profiles service",
            version="1.0.0",
            description="Users, dancer and choreographer profiles of the casting app.",
            path="/schema",
            render_plugins=[ContractJsonPlugin(), SwaggerRenderPlugin(path=["/", "/swagger"])],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
                }
            ),
        ),
    )
    remember_allowed_methods(app)
    # Litestar's middleware runs once a route is found; these run around all it does
    # for a request (routing, the JWT middleware, errors, the tracing plugin's span), so
    # that every request, an unknown path's and a refused token's included, has a
    # context of its own, a request id on every log line, one deadline from its arrival
    # (authentication included), its count in the request metrics, one access-log line
    clock = request_clock(settings.request_timeout_ms / 1000)
    counted = count_unseen(prometheus)
    app.asgi_handler = isolate_request_context(
        clock(request_id_middleware(counted(access_log(app.asgi_handler))))
    )
    return app
