"""Test-only overrides; everything else comes from config.settings and the environment."""

from config.settings import *  # noqa: F403

# Hashing passwords properly is slow and tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the apps, as in development, so tests need no collectstatic.
WHITENOISE_AUTOREFRESH = True
