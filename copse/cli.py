"""The `copse` console script: Django's manage.py under the project's own name.

`copse serve` and `copse worker` (copse.workers), `copse demo` and
`copse bench-data` (copse.demo), `copse backup` and `copse restore`
(copse.backups) and every other command are the apps' management commands.
"""

import os
import sys


def command_name(argv: list[str]) -> list[str]:
    """Let people type `copse bench-data` for the `bench_data` command (a
    command's module name cannot hold a hyphen), also after `help`."""
    argv = list(argv)
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1
    if len(argv) > position and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copse.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_name(sys.argv))


if __name__ == "__main__":
    main()
