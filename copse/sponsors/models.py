# The sponsor role is `accounts.User.is_sponsor`; the report is computed from
# the other apps' aggregates and stores nothing of its own.
