"""`/metrics` in Prometheus's text format (docs/metrics.md). Imported only when VAANI_METRICS
serves it: prometheus_client decides on import whether it counts for one process or, with
PROMETHEUS_MULTIPROC_DIR set (`vaani serve --workers N`, workers.py), for several."""
