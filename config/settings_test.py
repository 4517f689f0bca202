"""Test-only overrides; everything else comes from config.settings and the environment."""

from config.settings import *  # noqa: F403

# Hashing passwords properly is slow and tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A change shows at once, so tests need not wait; tests/test_public_cache.py sets it back.
PUBLIC_REFRESH_SECONDS = 0
# No countdown: a task waiting out its countdown in the worker is unacknowledged, and kombu 5.7
# crashes the worker restoring it when Redis goes away (tests/services/test_worker_faults.py).
STANDARDS_SNAPSHOT_SECONDS = 0

# Serve static files from the apps, as in development, so tests need no collectstatic.
WHITENOISE_AUTOREFRESH = True

# Tests make many requests from one address in a minute; the throttles' own tests set a rate.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "pages": None}}  # noqa: F405

# The transparency log's checkpoints are signed in tests with this key, made for tests only by
# `manage.py transparency_key --out FILE --name saylau.test/log` (never a deployment's key).
TRANSPARENCY_KEY = (
    "PRIVATE+KEY+saylau.test/log+65246c73+ATwNAdqe0iQ+uLhoedkNTRN3R4muCHtXmXjUTbMb/UxC"
)
TRANSPARENCY_KEY_FILE = ""
