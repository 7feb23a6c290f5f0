"""Django settings of the peer: PostgreSQL from PEER_DATABASE_URL, hordak, one small app."""

import os
from urllib.parse import urlparse

_url = urlparse(os.environ["PEER_DATABASE_URL"])
SECRET_KEY = "peer-benchmark-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "peerbank.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "mptt", "djmoney", "hordak", "peerbank"]
MIDDLEWARE: list[str] = []
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"),
    "USER": _url.username or "postgres", "HOST": _url.hostname, "PORT": _url.port or 5432,
    "CONN_MAX_AGE": None,  # persistent connections, as a production deployment would use
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DEFAULT_CURRENCY = "INR"
