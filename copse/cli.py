"""The `copse` console script: Django's manage.py under the project's own name.

`copse serve`, `copse worker`, `copse demo` and `copse bench-data` are
management commands in copse.core; every Django command works too.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copse.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
