"""Settings for the test suite: the real settings with COPSE_TESTING switched on
(fast password hashing, tasks run immediately, mail kept in memory)."""

import os

os.environ["COPSE_TESTING"] = "1"

from copse.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
