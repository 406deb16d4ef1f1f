"""What every benchmark shares, in small modules:

- `cli`: the common command-line arguments (rounds, sizes, cache size, load) and
  progress lines;
- `timing`: percentiles, timed calls, rounds in rotating order, ratios and their goals;
- `server`: the embedded database (SecantusDB) in a temporary directory;
- `processes`: `profiles serve` and other `profiles` commands as child processes, and
  what `/proc` says about a process (children, memory, CPU time);
- `command_times`: a client's database time by kind of command (reads, writes, index
  builds, commits), as the client timed each command;
- `tokens`: HS256 bearer tokens, as the identity provider signs them;
- `accounts`: accounts with profiles, made through the service's HTTP API;
- `slices`: concurrent HTTP clients for a slice of time, and what they measured;
- `plans`: what the server examined for a query (`explain`).

Of the project they use only the service's platform layer (its launcher of the embedded
database, through `server`) and the test data (`tests.factories`); `tokens` imports
nothing of it, for the bare apps. Nothing is imported here, so that a module can be
taken without the others.
"""
