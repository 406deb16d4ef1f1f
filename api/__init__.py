"""The HTTP API: the Litestar app factory (`app`), what handlers are given (`deps`),
bearer-token auth (`auth`), problem details (`errors`), ETags, request ids and metrics,
the rate limit; controllers by resource and the request and response schemas. A handler
parses, makes one service call and shapes the response; it never queries collections."""
