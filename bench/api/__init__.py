"""API overhead: the service against a bare ASGI app sending the fewest database commands
the same results need (the limit).

    .venv/bin/python -m bench.api [--clients 8] [--seconds 1.5] [--rounds 8] [--users 96]

What it measures, as ratios taken in one run (the machine is shared and noisy):

1. Three operations through `profiles serve` (Litestar, Beanie, JWT auth; started by
   `bench.harness.processes.start_service`, embedded database, rate limit off) and
   through the bare app (`bench.api.bare`: uvicorn as `profiles serve` runs it, no
   framework, raw PyMongo, PyJWT; it imports nothing of the service), the limit: it
   sends the fewest database commands the same result needs, to the same server and
   data: `GET /v1/dancers/{id}` (the owner reads their profile: one `find`), `PATCH
   /v1/dancers/{id}` (`{"bio": ...}`, no If-Match: `find`, then a transaction of
   `findAndModify` with the version in its filter, the dual write's `findAndModify` of
   the user, `commitTransaction`) and a search page `GET /v1/dancers?q=...` (the words
   of `bench.api.operations.QUERIES` in turn; the bare app replays the service's own
   walk, since an in-order bare search is slower on the embedded server than the
   windowed one). `--clients` concurrent httpx clients, each on its own accounts; after
   a warm-up, `--rounds` slices of `--seconds` per side, service and bare alternating
   (service first in even rounds, bare first in odd ones). A slice's rate counts the
   requests that ended within it; the requests in flight then end before the next slice
   starts. Per operation: rps, p50, p99 and max of each side, CPU milliseconds per
   request of the server, the database and the load generator (from /proc: steadier
   than rates on a busy machine), and service rps / bare rps: the median of the
   per-round ratios (goal: at least 0.7), the pooled ratio beside it.
2. Dual write: `PATCH /v1/me` (`{"activeProfile": {"bio": ...}}`) with the `dualWrite`
   flag on and off (set through `PATCH /v1/admin/flags`, which the service applies at
   once), same service and data, slices in the order on, off, off, on, ...; the pooled
   p50s and their ratio (goal: on / off at most 1.3). Reads come from the profiles
   (`readSource: profiles`) in both, as they must while dual write is off. `PATCH
   /v1/me` sends `find users {authId}`, then a transaction of `find dancers {userId}`,
   `findAndModify`, with dual write on `findAndModify users`, and `commitTransaction`
   (5 commands with dual write, 4 without): the bench prints them.

Before measuring, the bench records with the server's profiler (`bench.api.profiler`)
the commands of one request of each operation to the service and to the bare app and
prints both; the service must send no more than the bare app (the same list, for a search
page), or the bench says so and exits 1.

The last line is the summary of the ratios. Start-up and seeding are not timed. Exit
code 1 when a request failed or the bare app no longer sends the service's commands.

The embedded server (SecantusDB) sometimes stalls every transaction for several seconds
(at the start of concurrent transactional load and about a minute later; also with raw
PyMongo and no service at all): the per-round medians keep such a stall in one slice from
deciding a ratio, and the max column shows it.
"""
