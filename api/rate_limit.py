"""Rate limiting of reads per caller: a token bucket per `sub` (or client address).

Litestar's `RateLimitConfig` / `RateLimitMiddleware` count requests in fixed windows;
here the same middleware slot runs a token bucket instead, so a caller may make a burst
of requests at once and then `rate` per second, and a refusal says exactly when to come
back (`Retry-After`). Litestar inserts the JWT middleware first (outermost), so by the
time a request is counted its token has been verified: the bucket is keyed by the
verified `sub`, and a forged token cannot spend another caller's budget (it gets 401
before it is counted). Requests without a caller fall back to the client address.
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
from litestar.types import Receive, Scope, Send

from service.platform.caller import Caller

LIMITED_PREFIX = "/v1/"
# buckets kept before idle (full again) ones are forgotten
MAX_TRACKED_CALLERS = 10_000


@dataclass
class TokenBuckets:
    """One token bucket per caller key: `burst` tokens at most, `rate` new ones a second."""

    rate: float
    burst: float
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    """key -> (tokens left, monotonic time of the last update)"""

    def take(self, key: str, now: float) -> float:
        """Spend a token of `key` and return 0.0; with none left, spend nothing and return
        the seconds until one is available."""
        tokens, updated = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self.rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            if len(self.buckets) > MAX_TRACKED_CALLERS:
                self._forget_idle(now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

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


def is_limited_read(request: Request[Any, Any, Any]) -> bool:
    """GET requests under `/v1` (health checks, the schema and metrics are not)."""
    return request.method == "GET" and request.scope["path"].startswith(LIMITED_PREFIX)


class CallerRateLimitMiddleware(RateLimitMiddleware):
    """`RateLimitMiddleware` with the token buckets of `CallerRateLimitConfig`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        config = cast(CallerRateLimitConfig, self.config)
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope)
        if await self.should_check_request(request=request):
            wait = config.buckets.take(self.get_identifier_for_request(request), time.monotonic())
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                raise TooManyRequestsException(
                    detail=f"too many requests from this caller; retry in {seconds} s",
                    headers={"Retry-After": str(seconds)},
                )
        await self.app(scope, receive, send)


@dataclass
class CallerRateLimitConfig(RateLimitConfig):
    """A `RateLimitConfig` whose middleware runs the token buckets it holds."""

    buckets: TokenBuckets = field(default_factory=lambda: TokenBuckets(rate=1.0, burst=1.0))


def rate_limit_config(per_second: float, burst: int = 0) -> CallerRateLimitConfig | None:
    """Limit GETs under `/v1` to `per_second` per caller after a burst of `burst` (0:
    five seconds' worth); None when `per_second` is 0 (no limit)."""
    if per_second <= 0:
        return None
    capacity = float(burst) if burst > 0 else max(1.0, per_second * 5)
    return CallerRateLimitConfig(
        rate_limit=("second", max(1, math.ceil(per_second))),
        exclude=["^/health", "^/schema", "^/metrics"],
        identifier_for_request=caller_key,
        check_throttle_handler=is_limited_read,
        middleware_class=CallerRateLimitMiddleware,
        set_rate_limit_headers=False,
        buckets=TokenBuckets(rate=per_second, burst=capacity),
    )
