"""How each audit action reads: "Maria Lopez uploaded slides.pdf to “December
meeting” (3 December 2025)", not `meeting.material_uploaded | meeting_id: 1`.

Apps register their own sentences in an `audit_sentences` module (found when
the audit app starts, as the admin finds `admin` modules), so `audit` imports
no app above it. A sentence names the objects its entry's detail points to
through `Ref`s: every object of a page is fetched in one query per kind, and
shown only when the viewer may read it now (the permission core decides);
otherwise the sentence says what kind of thing it was ("a thread"), never its
title nor its id. Actions without a sentence read as a tidy default.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.core import permissions

SYSTEM = "Copse"
SOMEONE = _("someone no longer here")


@dataclass(frozen=True)
class Ref:
    """An object an entry's detail names by `key` (its id, or its `field`)."""

    model: str  # "meetings.Meeting"
    key: str  # the detail key that holds it: "meeting_id"
    permission: str  # what the viewer needs to see it named: "meeting.view"
    hidden: str  # what is said instead: "a meeting"
    name: Callable[[object], str] = str
    field: str = "pk"
    related: tuple[str, ...] = ("community",)
    link: bool = True

    @property
    def lookup(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.model, self.field, self.related)


@dataclass(frozen=True)
class Sentence:
    template: str
    refs: dict[str, Ref] = field(default_factory=dict)
    # Words for detail values ("role": {"member": "a member"}).
    words: dict[str, dict] = field(default_factory=dict)


_SENTENCES: dict[str, Sentence] = {}


def register(action: str, template: str, *, words: dict | None = None, **refs: Ref) -> None:
    """`template` is a `str.format` string. It may name `{actor}`,
    `{subject}`, `{community}`, any of `refs`, and any detail key (shown as
    text: lists joined, booleans as yes or no, `words` translating values).
    Mark `template` and `words` with `gettext_lazy`: each sentence is made
    in its reader's language."""
    _SENTENCES[action] = Sentence(template, refs, words or {})


def registered(action: str) -> Sentence | None:
    return _SENTENCES.get(action)


def describe(viewer, entries: Iterable) -> None:
    """Give each entry a `sentence` (safe HTML), as `viewer` may read it.

    The detail read is the entry's `shown_detail` when the selector set one
    (free-text reasons withheld), else its detail. One query per kind of
    object named on the page, whatever the number of entries.
    """
    entries = list(entries)
    wanted: dict[tuple, set] = defaultdict(set)
    for entry in entries:
        sentence = _SENTENCES.get(entry.action)
        if sentence is None:
            continue
        detail = _detail(entry)
        for ref in sentence.refs.values():
            value = _key_value(ref, detail.get(ref.key))
            if value is not None:
                wanted[ref.lookup].add(value)
    found: dict[tuple, dict] = {}
    for lookup, values in wanted.items():
        model_label, field_name, related = lookup
        model = apps.get_model(model_label)
        rows = model._base_manager.filter(**{f"{field_name}__in": values}).select_related(*related)
        found[lookup] = {getattr(row, field_name): row for row in rows}
    for entry in entries:
        entry.sentence = _sentence(viewer, entry, found)


def _detail(entry) -> dict:
    detail = getattr(entry, "shown_detail", None)
    if detail is None:
        detail = entry.detail
    return detail if isinstance(detail, dict) else {}


def _key_value(ref: Ref, value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    if ref.field == "pk":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        return None
    return value if isinstance(value, str | int) else None


def _person(user, default: str) -> str:
    return user.name if user is not None else default


def _named(viewer, ref: Ref, obj) -> SafeString:
    if obj is None or not permissions.can(viewer, ref.permission, obj):
        return conditional_escape(ref.hidden)
    name = ref.name(obj)
    url = obj.get_absolute_url() if ref.link and hasattr(obj, "get_absolute_url") else None
    if url:
        return format_html('<a href="{}">{}</a>', url, name)
    return conditional_escape(name)


def _sentence(viewer, entry, found) -> SafeString:
    detail = _detail(entry)
    sentence = _SENTENCES.get(entry.action)
    if sentence is None:
        return _default(entry, detail)
    template = str(sentence.template)
    values: dict[str, object] = {}
    for _literal, name, _spec, _conversion in string.Formatter().parse(template):
        if not name or name in values:
            continue
        if name == "actor":
            values[name] = _person(entry.actor, SYSTEM if entry.actor_id is None else SOMEONE)
        elif name == "subject":
            values[name] = _person(entry.subject, SOMEONE)
        elif name == "community":
            values[name] = entry.community.name if entry.community is not None else "Copse"
        elif name in sentence.refs:
            ref = sentence.refs[name]
            obj = found.get(ref.lookup, {}).get(_key_value(ref, detail.get(ref.key)))
            values[name] = _named(viewer, ref, obj)
        else:
            values[name] = text(detail.get(name), sentence.words.get(name))
    return format_html(template, **values)


def text(value, words: dict | None = None) -> str:
    """A detail value as words."""
    if words is not None and isinstance(value, str | int | bool | None) and value in words:
        return words[value]
    if value is None or value == "":
        return gettext("nothing")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return ", ".join(_words(key) for key in value)
    if isinstance(value, list | tuple):
        return ", ".join(str(text(v, words)) for v in value) or gettext("nothing")
    return _words(str(value)) if isinstance(value, str) and "_" in value else str(value)


def _words(name: str) -> str:
    return name.replace("_", " ")


def _hides(key: str, value) -> bool:
    """Ids stay out of the default sentence: they would only tell that
    something exists, and nothing a reader can use."""
    return key.endswith("_id") or key in _ID_KEYS or isinstance(value, dict)


# Keys that hold the id of an object in the entries written today.
_ID_KEYS = {
    "thread",
    "post",
    "proposal",
    "poll",
    "option",
    "amendment",
    "replaces",
    "nomination",
    "community_proposal",
    "pulse",
    "repeats",
    "topic",
}


def _default(entry, detail: dict) -> SafeString:
    """ "Maria Lopez — mail: content level changed (content: links)"."""
    actor = _person(entry.actor, SYSTEM if entry.actor_id is None else SOMEONE)
    area, _, what = entry.action.partition(".")
    shown = [
        (_words(key), text(value))
        for key, value in detail.items()
        if not _hides(key, value) and value not in (None, "", [])
    ]
    about = (
        format_html(" {}", gettext("about %(name)s") % {"name": entry.subject.name})
        if entry.subject is not None
        else ""
    )
    extra = format_html(" ({})", format_html_join("; ", "{}: {}", shown)) if shown else ""
    return format_html(
        "{} — {}: {}{}{}", actor, _words(area), _words(what) or _words(area), about, extra
    )


def when(moment) -> str:
    """A date as the log writes it in a name: "3 December 2025"."""
    return formats.date_format(timezone.localtime(moment), "j F Y") if moment is not None else ""
