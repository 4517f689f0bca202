"""Settings of the site that the outage and replica tests serve from their own clusters.

The suite's own settings, with two changes: tasks run in the web process (the suite's worker
reads the suite's test database, not these clusters), and the cache keys carry the test's own
prefix (LIVE_CACHE_PREFIX), so the suite's cache and this site's never meet in Redis.
"""

import os

from config.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": os.environ["LIVE_CACHE_PREFIX"]}}  # noqa: F405
