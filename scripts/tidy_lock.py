"""Rewrite what pip-compile writes into the lock files' short form.

pip-compile names the local package indexes of the machine it ran on and
repeats every runtime pin in the development lock; the lock files name only
pins, and the development one adds to requirements.lock rather than repeat it.
"""

import re
from pathlib import Path

RUNTIME = Path("requirements.lock")
DEVELOPMENT = Path("requirements-dev.lock")

# Pins that only older Pythons need: pip-compile, run on a newer one, leaves
# them out, and the marker keeps them from installing anywhere else.
MARKED = {"async-timeout": 'async-timeout==5.0.1; python_full_version < "3.11.3"'}


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        pin = line.strip()
        if not pin or pin.startswith(("#", "-")):
            continue
        name = re.split(r"[=;<> ]", pin, maxsplit=1)[0].lower().replace("_", "-")
        found[name] = pin
    return found


def main():
    runtime = pins(RUNTIME)
    development = pins(DEVELOPMENT)
    runtime.update(MARKED)
    RUNTIME.write_text(
        "# Runtime dependencies, pinned. Regenerate with: make lock\n"
        + "".join(runtime[name] + "\n" for name in sorted(runtime))
    )
    DEVELOPMENT.write_text(
        "# Development and test dependencies, pinned (on top of requirements.lock)."
        " Regenerate with: make lock\n-r requirements.lock\n"
        + "".join(development[name] + "\n" for name in sorted(development) if name not in runtime)
    )


if __name__ == "__main__":
    main()
