"""Vaani's application layer: use cases and the ports they need."""
