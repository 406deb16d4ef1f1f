"""The benchmarks, each run as `python -m bench.<name>` and each printing its ratio
summary last (`make bench` runs the first four at their default sizes):

- `bench.api`: the service's HTTP API against a bare app doing the same database work,
  and dual write on against off;
- `bench.layout`: the new profile collections against the legacy `users` layout;
- `bench.migration`: `profiles migrate up` against the same writes as bulk writes, and
  its peak memory as the data grows;
- `bench.search`: selective search at 10x the profiles against 1x;
- `bench.load`: a mix of requests from many clients (figures, no ratio).

What they share is in `bench.harness`; what they know of the stored documents without
the service, in `bench.wire`.
"""
