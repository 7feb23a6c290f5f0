"""`python -m entrypoints.cli`: the `vaani` command, for a checkout that was never installed."""

from entrypoints.cli.app import main

main()
