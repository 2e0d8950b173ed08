"""Statements built and compiled once, run many times with new values.

Building a queryset with a few subqueries and compiling it to SQL takes the
ORM some milliseconds; running the statement takes SQLite some microseconds.
A page's fixed statements (the community's home's own row with its viewer's
figures, say) are therefore compiled once per database and run as raw SQL
with the request's values put in.

`build` is called with placeholder values, one per name: an int, a str or an
aware datetime that no real row holds. Where each placeholder lands among the
compiled parameters tells where the request's value goes. The result is a
list of model instances, annotations as attributes (booleans as bools).
"""

import datetime as dt
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

_PLACEHOLDER_INT = -7_070_000
_PLACEHOLDER_TEXT = "\x00copse-placeholder-"
_PLACEHOLDER_MOMENT = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


class Compiled:
    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._by_alias: dict[str, tuple] = {}

    def _placeholders(self) -> dict:
        values = {}
        for n, (name, kind) in enumerate(self.kinds.items()):
            if kind is int:
                values[name] = _PLACEHOLDER_INT - n
            elif kind is str:
                values[name] = f"{_PLACEHOLDER_TEXT}{n}"
            else:
                values[name] = _PLACEHOLDER_MOMENT + dt.timedelta(seconds=n)
        return values

    def _compile(self, alias: str):
        connection = connections[alias]
        placeholders = self._placeholders()
        rows = self.build(**placeholders).using(alias)
        sql, params = rows.query.sql_with_params()
        adapted = {
            (
                connection.ops.adapt_datetimefield_value(value)
                if isinstance(value, dt.datetime)
                else value
            ): name
            for name, value in placeholders.items()
        }
        slots = tuple(
            adapted.get(p) if isinstance(p, int | str | dt.datetime) else None for p in params
        )
        booleans = tuple(
            name
            for name, annotation in rows.query.annotations.items()
            if annotation.output_field.get_internal_type() == "BooleanField"
        )
        return rows.model, sql, tuple(params), slots, booleans

    def run(self, alias: str = "default", **values) -> list:
        compiled = self._by_alias.get(alias)
        if compiled is None:
            compiled = self._by_alias[alias] = self._compile(alias)
        model, sql, params, slots, booleans = compiled
        ops = connections[alias].ops
        for name, value in values.items():
            if isinstance(value, dt.datetime):
                values[name] = ops.adapt_datetimefield_value(value)
        params = tuple(
            p if slot is None else values[slot] for p, slot in zip(params, slots, strict=True)
        )
        rows = list(model._default_manager.db_manager(alias).raw(sql, params))
        for row in rows:
            for name in booleans:
                setattr(row, name, bool(getattr(row, name)))
        return rows
