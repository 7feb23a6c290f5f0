"""What the process's metrics read from the adapters: audit events as they are sealed, the
connection pool's use, and the database's figures at scrape time. No metrics library here: the
entrypoint that serves `/metrics` turns these into series."""
