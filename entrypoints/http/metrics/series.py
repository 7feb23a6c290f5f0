"""The series this process counts, made once per process (prometheus_client's registry is the
process's). Every label takes values from a set the code fixes, never from a client: routes
are the app's path templates, actions and reasons the use cases' own words."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "vaani_http_requests", "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"])
LATENCY = Histogram(
    "vaani_http_request_duration_seconds",
    "Time from a request's arrival to its answer's end, by route template and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
AUDIT_EVENTS = Counter(
    "vaani_audit_events", "Audit records sealed into the trail, by action and outcome",
    ["action", "outcome"])
TRANSFERS = Counter(
    "vaani_transfers",
    "Money movements decided: posted, held (a challenge or a review), blocked by the fraud "
    "engine; a held one later released (posted) or voided", ["kind", "decision"])
LOGIN_FAILURES = Counter(
    "vaani_login_failures",
    "Logins refused: a wrong password, code or voice (failure), or tried while locked (denied)",
    ["method", "outcome"])
LOCKOUTS = Counter(
    "vaani_lockouts",
    "Locks set by too many failures: a customer number's logins, a UPI PIN, voice",
    ["what"])
VOICE_DECISIONS = Counter(
    "vaani_voice_decisions", "Voice answers scored, by what they were for and the decision's "
    "reason (match, no_match, replayed_recording, ...)", ["purpose", "reason"])
DB_IN_USE = Gauge(
    "vaani_db_connections_in_use",
    "Connections out of the workers' database pools, in use or kept between units of work",
    multiprocess_mode="livesum")
DB_LIMIT = Gauge(
    "vaani_db_pool_limit",
    "Connections the workers' database pools may lend at once (pool size plus overflow)",
    multiprocess_mode="livesum")
