"""Settings for a developer's machine: the embedded default (SQLite, eager tasks)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Note: a fixed key is fine here only; production refuses to start without its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
