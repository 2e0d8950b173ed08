"""Backups as commands: `copse backup` makes one archive of the database and
the uploads while the site runs; `copse restore` checks one and puts it back."""
