"""The reliability suite: the hub as a hostile client, a crashing machine and a busy city
pipeline would treat it (``python -m bench.reliability``; RELIABILITY.md holds the figures).

Each section returns its figures and the invariants it checked; a broken invariant (an answer
of 5xx to a client's mistake, a crash, a hang, a failed concurrent load, data lost) makes the
run exit non-zero, so the small size in CI is a gate, not a report.
"""
