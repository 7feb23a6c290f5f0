"""What only SQLite needs: one writer at a time across threads and processes, WAL
checkpoints outside the writer turn, the database file watched, and the event loop's reads and
writes in place with their shared commit."""
