"""Crafted searches: can a few requests stall discovery search for everyone?

    .venv/bin/python -m bench.crafted [--size 1000] [--rounds 3] [--seconds 3]

The data (`bench.crafted.data`; loading is not timed): `--size` profiles, half dancers,
half choreographers, every one listed, working in "Atlanta, GA", with the same two
dance styles and realistic names from the test data's lists, stored as the service
stores them (`tests.factories.drawn`: fields, completeness, search tokens, rank key).
Olivia is the first name of a fifth of them and Liam of another fifth; no indexed word
is, or is one typo from, `dancer` or `qxjvw`. `--size 4050` is the reported case.

The service runs as `profiles serve` (the harness: a free port, the embedded database
in a temporary directory, a token secret of its own, rate limits off, the search one
included), twice on the same data: first with `PROFILES_SEARCH_READER=in-order` (the
production read of the index) for the command counts, then fresh with the default
reader (on the embedded server: windowed) for everything else. Callers have accounts,
as the app's readers do. Every search is `GET /v1/search` (both kinds):

- typical (`bench.crafted.queries`): a name prefix (`gin`), the data's most common
  surname, the city (`atlanta`) and the plain listing;
- crafted, each finding nothing (checked): a common word repeated seven times with an
  absent one; `atlanta dancer` (common + absent); `olivia liam` (two frequent words never
  in one profile); the first with `facets=true&limit=100`.

Figures, each a ratio against its limit:

1. the slowest crafted search (p50 of `--rounds` timed calls after one untimed) over the
   median typical one (every timed call of the four, after two untimed each): at most 10;
2. a victim's `GET /v1/dancers/{id}` (another user's profile, one request at a time for
   `--seconds`) while the four crafted searches loop, each on its own connection
   (started one second before the window; whatever is in flight when it ends is
   abandoned): its p50 over the p50 alone (two windows, before and after): at most 2;
3. a caller starts three crafted searches and abandons them after 0.2 s (client
   timeout, connection closed); one second later the victim reads for `--seconds`: p50
   over alone, at most 1.5. Also printed: when the service was idle again (no request
   in progress on its `/metrics`) after each load;
4. database commands of a warm page (the same request once before) on the in-order
   reader, from the service's own counters (`profiles_database_commands_total` on
   `/metrics`, read before and after the request, less what a scrape itself sends),
   over levels x kinds (levels: the distinct words of `q` + 1, 1 for a listing; kinds: 2):
   the worst of the eight searches, at most 1;
5. connections the fresh service created (`profiles_database_connections_created_total`:
   its start-up, migrations check included, and 20 serial requests of mixed kinds) over 10:
   at most 1.

The last line lists the five ratios with their goals.
"""
