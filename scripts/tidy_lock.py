"""Rewrite what pip-compile writes into the lock files' short form.

pip-compile names the local package indexes of the machine it ran on and
repeats every runtime pin in the development lock; the lock files name only
pins, and the development one adds to requirements.lock rather than repeat it.
"""

import re


def pins(path):
    out = {}
    for line in open(path):
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("-"):
            continue
        name = re.split(r"[=;<> ]", s, 1)[0].lower().replace("_", "-")
        out[name] = s
    return out


run = pins("requirements.lock")
dev = pins("requirements-dev.lock")
run["async-timeout"] = 'async-timeout==5.0.1; python_full_version < "3.11.3"'
with open("requirements.lock", "w") as f:
    f.write("# Runtime dependencies, pinned. Regenerate with: make lock\n")
    for k in sorted(run):
        f.write(run[k] + "\n")
with open("requirements-dev.lock", "w") as f:
    f.write(
        "# Development and test dependencies, pinned (on top of requirements.lock). Regenerate with: make lock\n-r requirements.lock\n"
    )
    for k in sorted(dev):
        if k not in run:
            f.write(dev[k] + "\n")
