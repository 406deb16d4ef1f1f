"""Migration throughput and memory: the legacy sample at 1x and 4x, on the embedded server
(or a MongoDB replica set, `--mongodb-url`).

    .venv/bin/python -m bench.migration [--sizes 1 4] [--batch-size 250] [--rounds 2]
        [--mongodb-url mongodb://...]

For each size, loads the legacy sample (`tests.factories.legacy`) N times (fresh ids;
loading is not timed) into a fresh database, runs `profiles migrate up` in a child
process, and prints legacy users per second and the command's peak memory (its own
`VmHWM`). Memory should stay flat as the data grows (the runner streams in batches).

Then the ceiling for the same size (`bench.migration.ceiling`): the same legacy data in
a second database, and the writes the migration made (the profile documents, the fields
it set on users, projects and training, its issue records; its own bookkeeping aside)
read back from the migrated database and issued as unordered bulk writes of
`--batch-size`, with the indexes in place when the migration has them: the ones 0001
makes (before any profile exists) first, the others built on the written data
afterwards; timed. The migration reads, checks, transforms, logs issues and commits in
transactions; the ceiling only writes.

Beside each size: the CPU seconds the server spent on each (the embedded server only: a
child of this process), and the database time of each by kind of command, as the client
timed every command (`bench.harness.command_times`: reads, writes, index builds,
commits), which shows where the two differ on any server.

The last line: the ratio of the migration's users per second to the ceiling's at the
largest size (goal: at least 0.8) and of peak memory at the largest size to the smallest
(flat is 1.0; goal: at most 1.2). Each size runs `--rounds` times on fresh data; the
fastest migration and the fastest ceiling count, since on a shared machine a slow run
says more about the neighbours than about the code.
"""
