"""The legacy single `users` collection against the new `dancers` / `choreographers` layout:
the plan's success metric "choreographer queries 30 % faster" (new/legacy p50 <= 0.7),
measured against the legacy app's own queries.

    .venv/bin/python -m bench.layout [--users 10000 | --full] [--rounds 40] [--seed 7]
        [--build generate | --build migrate] [--cache-size 4G | --cache-size default]

One embedded server (SecantusDB), one database, the layouts side by side, holding the
same `--users` people (`--full`: 100,000), 2 % of them choreographers
(`bench.layout.people`, drawn from the test data factories with `--seed`):

- the legacy app (`legacy app`): each person's legacy user document (`shared/LEGACY.md`:
  the account and every profile field on the user, `profileType`, `searchPattern`) in
  `legacy_app_users`, with the old backend's own indexes (`authId`, `profileType`:
  `bench.layout.build.LEGACY_APP_INDEXES`), asked the old backend's own queries;
- the legacy collection at its best (`legacy best`, a second row stated as it is): the
  same users in `users`, with indexes made for these questions as one would on real
  mongod (`bench.layout.build.LEGACY_INDEXES`), plus `_id` for the fetch;
- the new layout: the same people as `dancers` and `choreographers`, with the indexes
  the migrations create. `--build generate` (default): `profiles migrate up` on the
  empty database (every index, every script applied but the destructive 0005, as after
  a deploy), then each person's profile as the service stores it (by the factory) and
  the user referring to it. `--build migrate`: the legacy users first, then `profiles
  migrate up` on them (the real backfill); slower to build.

Questions, each over a fixed set of inputs (`bench.layout.cases`):

a. city: listed choreographers working in a city, first page of 20. Legacy (both rows):
   `find({profileType: "choreographer", onboardingComplete: true, workLocation:
   <city>}).sort({displayName: 1}).limit(20)`. New: the service's search use case,
   `service.search.discovery.search_profiles` with the `tokens` backend the service
   chooses for this server and a `location` filter (listing order: completeness, then
   the id's spread).
b. fetch: one listed choreographer by id. Legacy: `find_one({_id})`. New: the service's
   read of one profile, `service.profiles.by_id.get_profile` (the profile by `_id`
   without its search tokens, the caller's account id to decide the view, remembered
   per process, the model and the public view), as a caller with an account who is not
   the owner (a caller with no account at all is looked up on every read).
c. prefix: choreographers whose name starts with a prefix, first page of 20, sorted by
   `searchPattern` (lower-case, starting with the display name). The legacy app: the old
   backend's anchored regex `{searchPattern: /^p/}` on the lower-cased prefix. The legacy
   collection at its best: the range `[p, p + 1)` that mongod derives from `/^p/` (the
   embedded server gives a `$regex` no index bounds). New: the search use case with
   `q=<prefix>` (any word of name, company, styles or cities; whole words first).

The legacy app's listings on the embedded server scan the collection: its planner uses an
index only when it covers every condition (and a hinted query scans too, slower). mongod
takes the `profileType` index and examines the choreographers (2 %); the report prints
that count beside the server's own, so the legacy app's time here is an upper bound of
what mongod would take.

The new side is the service's use cases called in-process, not HTTP: the legacy side is
a bare query, and a request's HTTP cost would swamp what the layout changes. A third
side, "new query only", times the single natural query on the new collections
(`{listed: true, searchTokens: <token>}` sorted by `rankKey`, the token the service's
search walks; or `find_one({_id})` without the search tokens) without the service around
it: it separates the layout from the service's own cost; it is not part of the goal.

Timing: a warm-up, then `--rounds` rounds; a round runs every input of every question on
every side, the order of the sides rotating per round so that noise hits them alike.
Per question and side: p50 and p95, beside them the keys and documents the server
examined per call (`explain` with `executionStats` of every query sent), and the p50 over
each legacy side's. SecantusDB executes an explained query without its limit and counts one key
and one document per match, so those are the matches of the index bounds (which it
reads, then sorts in memory), not what mongod would stop at. Loading and migrating are
not timed; their time is printed apart. The last line: `new/legacy app p50: city ..,
prefix .. (goal <= 0.7); fetch ..; new/legacy best p50: city .., fetch .., prefix ..`.
"""
