#!/usr/bin/env python
"""Django's command-line utility; `copse` is the installed equivalent."""

from copse.cli import main

if __name__ == "__main__":
    main()
