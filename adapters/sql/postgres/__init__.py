"""What only PostgreSQL needs: libpq's pipeline mode and advisory locks."""
