"""Rate limiting of reads per caller: token buckets per `sub` (or client address).

Litestar's `RateLimitConfig` / `RateLimitMiddleware` count requests in fixed windows;
here the same middleware slot runs a token bucket instead, so a caller may make a burst
of requests at once and then `rate` per second, and a refusal says exactly when to come
back (`Retry-After`). Litestar inserts the JWT middleware first (outermost), so by the
time a request is counted its token has been verified: the bucket is keyed by the
verified `sub`, and a forged token cannot spend another caller's budget (it gets 401
before it is counted). Requests without a caller fall back to the client address.

Searches (`GET /v1/search`, `/v1/dancers`, `/v1/choreographers`; not a profile by id)
have buckets of their own, at a lower rate: a search page costs the database far more
than a read by id. A search spends only its search bucket, every other read only the
general one, so a burst of searches does not lock a caller out of reading profiles, and
reading profiles does not eat into the searches. A page with `facets=true` costs two
tokens: it also reads and counts up to a thousand results. With the search limit off,
searches count as ordinary reads.

Every counted request's answer says where its caller stands, in the IETF draft's headers
(`draft-ietf-httpapi-ratelimit-headers`, as separate fields), from the bucket it spent:
`RateLimit-Limit` (the burst: requests at once), `RateLimit-Remaining` (whole requests
left now) and `RateLimit-Reset` (seconds until the bucket is full again); a 429 carries
them too, with `Retry-After`. The buckets are the process's: N replicas allow N times
the rate (a global limit belongs to the gateway).
"""

import math
import time
from dataclasses import dataclass, field
from typing import Any, cast

from litestar.connection import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import (
    RateLimitConfig,
    RateLimitMiddleware,
    get_remote_address,
)
from litestar.types import Message, Receive, Scope, Send

from service.platform.caller import Caller

LIMITED_PREFIX = "/v1/"
SEARCH_PATHS = frozenset({"/v1/search", "/v1/dancers", "/v1/choreographers"})
FACETS_COST = 2.0
TRUE_VALUES = frozenset({"true", "1"})
"""How a boolean query parameter says yes (as the handlers parse it)."""
# buckets kept before idle (full again) ones are forgotten
MAX_TRACKED_CALLERS = 10_000
LIMIT_HEADER = "RateLimit-Limit"
REMAINING_HEADER = "RateLimit-Remaining"
RESET_HEADER = "RateLimit-Reset"


@dataclass
class TokenBuckets:
    """One token bucket per caller key: `burst` tokens at most, `rate` new ones a second."""

    rate: float
    burst: float
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    """key -> (tokens left, monotonic time of the last update)"""

    def take(self, key: str, now: float, cost: float = 1.0) -> tuple[float, float]:
        """Spend `cost` tokens of `key` (at most the burst, so that every request can
        pass some time) and return 0.0 and the tokens left; without enough left, spend
        nothing and return the seconds until there are, and the tokens left."""
        cost = min(cost, self.burst)
        tokens, updated = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self.rate)
        if tokens >= cost:
            self.buckets[key] = (tokens - cost, now)
            if len(self.buckets) > MAX_TRACKED_CALLERS:
                self._forget_idle(now)
            return 0.0, tokens - cost
        self.buckets[key] = (tokens, now)
        return (cost - tokens) / self.rate, tokens

    def headers(self, tokens: float) -> list[tuple[str, str]]:
        """The `RateLimit-*` headers of a caller with `tokens` left: the burst, the whole
        requests left, and the seconds until the bucket is full again (to the
        millisecond, then rounded up: float noise does not add a second)."""
        refill = round((self.burst - tokens) / self.rate, 3)
        return [
            (LIMIT_HEADER, str(math.floor(self.burst))),
            (REMAINING_HEADER, str(math.floor(tokens))),
            (RESET_HEADER, str(math.ceil(refill))),
        ]

    def _forget_idle(self, now: float) -> None:
        """Drop the buckets that have refilled: forgetting them changes nothing."""
        for key, (tokens, updated) in list(self.buckets.items()):
            if tokens + (now - updated) * self.rate >= self.burst:
                del self.buckets[key]


def caller_key(request: Request[Any, Any, Any]) -> str:
    """The identity a request is counted against: the verified `sub`, else the address."""
    user = request.scope.get("user")
    if isinstance(user, Caller):
        return f"sub:{user.auth_id}"
    return f"address:{get_remote_address(request)}"


def is_limited(method: str, path: str) -> bool:
    """Whether requests of `method` to `path` are counted: GETs under `/v1` (health
    checks, the schema and metrics are not; nor are writes)."""
    return method.upper() == "GET" and path.startswith(LIMITED_PREFIX)


def is_limited_read(request: Request[Any, Any, Any]) -> bool:
    """A request `is_limited` counts."""
    return is_limited(request.method, request.scope["path"])


def is_search(request: Request[Any, Any, Any]) -> bool:
    """A discovery search: `/v1/search`, `/v1/dancers` or `/v1/choreographers` itself."""
    return request.scope["path"].rstrip("/") in SEARCH_PATHS


def search_cost(request: Request[Any, Any, Any]) -> float:
    """Tokens a search spends: 1, or `FACETS_COST` when it asks for facets (counting
    styles and locations reads up to a thousand results besides the page)."""
    asked = request.query_params.getall("facets", [])
    return FACETS_COST if any(value.lower() in TRUE_VALUES for value in asked) else 1.0


class CallerRateLimitMiddleware(RateLimitMiddleware):
    """`RateLimitMiddleware` with the token buckets of `CallerRateLimitConfig`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        config = cast(CallerRateLimitConfig, self.config)
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope)
        if await self.should_check_request(request=request):
            buckets: TokenBuckets | None
            if config.search_buckets is not None and is_search(request):
                buckets, cost, what = config.search_buckets, search_cost(request), "searches"
            else:
                buckets, cost, what = config.buckets, 1.0, "requests"
            if buckets is not None:
                key = self.get_identifier_for_request(request)
                wait, tokens = buckets.take(key, time.monotonic(), cost)
                headers = buckets.headers(tokens)
                if wait > 0:
                    seconds = max(1, math.ceil(wait))
                    raise TooManyRequestsException(
                        detail=f"too many {what} from this caller; retry in {seconds} s",
                        headers={"Retry-After": str(seconds), **dict(headers)},
                    )
                send = _sending_headers(send, headers)
        await self.app(scope, receive, send)


def _sending_headers(send: Send, headers: list[tuple[str, str]]) -> Send:
    """`send`, adding `headers` to the start of the answer."""
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *raw]
        await send(message)

    return send_with_headers


@dataclass
class CallerRateLimitConfig(RateLimitConfig):
    """A `RateLimitConfig` whose middleware runs the token buckets it holds: `buckets`
    for reads (None: not limited), `search_buckets` for searches (None: searches are
    reads like the others)."""

    buckets: TokenBuckets | None = None
    search_buckets: TokenBuckets | None = None


def _buckets(per_second: float, burst: int) -> TokenBuckets | None:
    """Buckets of `per_second` after a burst of `burst` (0: five seconds' worth); None
    for a rate of 0."""
    if per_second <= 0:
        return None
    capacity = float(burst) if burst > 0 else max(1.0, per_second * 5)
    return TokenBuckets(rate=per_second, burst=capacity)


def rate_limit_config(
    per_second: float,
    burst: int = 0,
    *,
    search_per_second: float = 0.0,
    search_burst: int = 0,
) -> CallerRateLimitConfig | None:
    """Limit GETs under `/v1` to `per_second` per caller after a burst of `burst`, and
    searches to `search_per_second` after `search_burst`, from buckets of their own (a
    burst of 0: five seconds' worth; a rate of 0: that limit is off, and with the search
    limit off searches spend from the general bucket). None when both are off."""
    buckets = _buckets(per_second, burst)
    search_buckets = _buckets(search_per_second, search_burst)
    if buckets is None and search_buckets is None:
        return None
    fastest = max(per_second, search_per_second)
    return CallerRateLimitConfig(
        # Litestar's own fixed-window fields; the buckets above do the limiting
        rate_limit=("second", max(1, math.ceil(fastest))),
        exclude=["^/health", "^/schema", "^/metrics"],
        identifier_for_request=caller_key,
        check_throttle_handler=is_limited_read,
        middleware_class=CallerRateLimitMiddleware,
        set_rate_limit_headers=False,
        buckets=buckets,
        search_buckets=search_buckets,
    )
