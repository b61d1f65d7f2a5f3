"""The demo: SQLite in var/, e-mail written to files in var/mail/, database-backed jobs."""

import os

from .base import *  # noqa: F401,F403
from .base import STATIC_ROOT, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
# A throwaway key for the local demo only; production refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "demo-only-not-secret-" + "x" * 40  # noqa: S105
VAR_DIR.mkdir(parents=True, exist_ok=True)
SILENCED_SYSTEM_CHECKS = ["models.W047"]  # SQLite only: the service keeps role rows unique
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The demo sends no real e-mail: each message is a file in var/mail/ (set EMAIL_BACKEND to change).
if "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
