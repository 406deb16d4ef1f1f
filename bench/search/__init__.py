"""Search latency and plan cost at two sizes, on the embedded server.

    .venv/bin/python -m bench.search [--sizes 5000 50000 | --full] [--rounds 15]
        [--cache-size 8G | --cache-size default]

For each size N, loads N generated profiles (`tests.factories.drawn`: about 80 % dancers,
20 % choreographers; loading is not timed) and the planted ones (`PLANTED`: the same 30
profiles at every size) into a fresh database migrated to the latest version (`profiles
migrate up`); every size is loaded before anything is timed. A fixed mix of searches
(`bench.search.queries`) then runs through the service's search use case, in-process:
`service.search.discovery.search_profiles` on the backend `choose_backend("tokens")`
picks for this server, first page only (through HTTP, a request's own cost and noise
would blur the scaling the ratio is after). A few warm-up calls per query and size,
then `--rounds` rounds of one timed call of every query at every size, the sizes in
turn, their order rotating per round, so that a slow spell of the shared machine hits
every size alike. The mix has three groups:

- selective: each query finds the `PLANTED_COPIES` planted profiles of its rare word and
  nothing else, at every size (checked at run time by paging to the end; a warning says
  otherwise), with the crowd around it: a common first name, a common prefix, a common
  style and city, both kinds. 10x the profiles is 10x everything but the answer: what a
  selective search is;
- share: rare words of the drawn profiles (a surname, two common words, a rare style in
  a city, a typo, a company word, an accented name): each matches under 1 % of the
  profiles, so 10x the profiles is 10x the matches, and the pages fill;
- broad: listings, a one-letter prefix, common filters, both kinds, facets.

Per size and group it prints the p50 and p95 latency over all calls of the group and,
per result returned, the index keys and documents the server examined (`explain` with
`executionStats` of every query one search sent) and the documents the service read;
then a line per query. At the end, each selective query's p50 at both sizes, and the
last line: the selective group's p50 (every call of its queries) at the largest size
over that at the smallest. The goal: under 2.

The server gets a larger WiredTiger cache than its 1G default (`--cache-size`): with the
default, inserts stall for minutes once about 15,000 of these profiles (and their
multikey index entries) are loaded.
"""

from bench.search.queries import SELECTIVE

__all__ = ["SELECTIVE"]
