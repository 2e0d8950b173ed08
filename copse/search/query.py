"""Reading what people type into the search box.

The syntax is the web-search one PostgreSQL's websearch_to_tsquery accepts:
words (all must match), "quoted phrases", -excluded words, and OR. For
SQLite it is rewritten into an FTS5 query in which every term is quoted, so no
input can be a syntax error or reach FTS5's own operators.
"""

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


@dataclass
class ParsedQuery:
    # Groups joined by AND; the terms inside a group are joined by OR.
    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups


def _phrase(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pending_or = False
    for match in TOKEN.finditer((text or "")[:500]):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare == "OR":
            pending_or = bool(parsed.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        phrase = _phrase(quoted if quoted is not None else bare)
        if not phrase:
            continue
        if negated:
            parsed.excluded.append(phrase)
        elif pending_or:
            parsed.groups[-1].append(phrase)
        else:
            parsed.groups.append([phrase])
        pending_or = False
        if len(parsed.groups) + len(parsed.excluded) >= MAX_TERMS:
            break
    return parsed


def to_fts5(parsed: ParsedQuery) -> str:
    def quote(phrase: str) -> str:
        return '"' + phrase.replace('"', '""') + '"'

    groups = [
        "(" + " OR ".join(quote(p) for p in group) + ")" if len(group) > 1 else quote(group[0])
        for group in parsed.groups
    ]
    query = " AND ".join(groups)
    for phrase in parsed.excluded:
        query = f"{query} NOT {quote(phrase)}"
    return query


def to_websearch(parsed: ParsedQuery) -> str:
    """The same query, normalised, for websearch_to_tsquery."""
    parts = []
    for group in parsed.groups:
        parts.append(" OR ".join(f'"{p}"' if " " in p else p for p in group))
    parts.extend(f'-"{p}"' if " " in p else f"-{p}" for p in parsed.excluded)
    return " ".join(parts)
