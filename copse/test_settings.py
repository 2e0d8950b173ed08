"""Settings for the test suite: the real settings with COPSE_TESTING switched on
(fast password hashing, tasks run immediately, mail kept in memory)."""

import os

os.environ["COPSE_TESTING"] = "1"

from copse.settings import *  # noqa: F403
from copse.settings import DATABASES, VAR_DIR

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Uploads from tests go to a folder of this test process.
MEDIA_ROOT = VAR_DIR / f"test-uploads-{os.getpid()}"
COPSE_EXPORT_DIR = VAR_DIR / f"test-exports-{os.getpid()}"

# A test database per test process, so two runs on one machine never share one.
DATABASES["default"]["TEST"] = {
    **DATABASES["default"].get("TEST", {}),
    "NAME": (
        str(VAR_DIR / f"test-copse-{os.getpid()}.sqlite3")
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")
        else f"test_copse_{os.getpid()}"
    ),
}
