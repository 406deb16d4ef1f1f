"""API overhead: the service against a bare ASGI app doing the same database work.

    .venv/bin/python -m bench.api [--clients 8] [--seconds 1.5] [--rounds 8] [--users 96]

What it measures, as ratios taken in one run (the machine is shared and noisy):

1. Three operations through `profiles serve` (Litestar, Beanie, JWT auth; started by
   `bench.harness.processes.start_service`, embedded database, rate limit off) and
   through the bare app (`bench.api.bare`: uvicorn as `profiles serve` runs it, no
   framework, raw PyMongo, PyJWT; it imports nothing of the service) that sends the same
   database commands, in the same order and session / transaction shape, to the same
   server and data: `GET /v1/dancers/{id}` (the owner reads their profile), `PATCH
   /v1/dancers/{id}` (`{"bio": ...}`, no If-Match: the route does not require it) and a
   search page `GET /v1/dancers?q=...` (the words of `bench.api.operations.QUERIES` in
   turn). `--clients` concurrent httpx clients, each on its own accounts; after a
   warm-up, `--rounds` slices of `--seconds` per side, service and bare alternating
   (service first in even rounds, bare first in odd ones). A slice's rate counts the
   requests that ended within it; the requests in flight then end before the next slice
   starts. Per operation: rps, p50, p99 and max of each side, CPU milliseconds per
   request of the server, the database and the load generator (from /proc: steadier
   than rates on a busy machine), and service rps / bare rps: the median of the
   per-round ratios (goal: at least 0.6), the pooled ratio beside it.
2. Dual write: `PATCH /v1/me` (`{"activeProfile": {"bio": ...}}`) with the `dualWrite`
   flag on and off (set through `PATCH /v1/admin/flags`, which the service applies at
   once), same service and data, slices in the order on, off, off, on, ...; the pooled
   p50s and their ratio (goal: on / off at most 1.5). Reads come from the profiles
   (`readSource: profiles`) in both, as they must while dual write is off. `PATCH
   /v1/me` sends `find users {authId}`; a transaction of `find dancers {userId}`, the two
   counts, `findAndModify`, with dual write on `findAndModify users`, and
   `commitTransaction`; then `find users {authId}` and `find dancers {userId}` for the
   reply (9 commands with dual write, 8 without): the bench prints them.

Before measuring, the bench records with the server's profiler (`bench.api.profiler`)
the commands of one request of each operation to the service and to the bare app, prints
the service's and says whether the bare app's agree (`bench.api.bare` lists them). The
service changes; when it sends other commands the bench says so and exits 1, and the
bare app must follow. A `pymongo.monitoring.CommandListener` on an in-process app showed
the same lists in the exploratory run.

The last line is the summary of the ratios. Start-up and seeding are not timed. Exit
code 1 when a request failed or the bare app no longer sends the service's commands.

The embedded server (SecantusDB) sometimes stalls every transaction for several seconds
(at the start of concurrent transactional load and about a minute later; also with raw
PyMongo and no service at all): the per-round medians keep such a stall in one slice from
deciding a ratio, and the max column shows it.
"""
