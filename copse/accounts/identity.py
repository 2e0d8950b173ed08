"""Normalising identities so look-alikes collide on purpose, not by accident.

Email addresses are compared after NFKC normalisation and lower-casing of the
domain *and* local part; no Unicode case folding is applied across scripts, so
"mıke@…" (dotless ı) stays a different address from "mike@…" and can never
receive mike's password reset. Display names are compared by a confusable
skeleton (Unicode TR39 idea): "Mаria" with a Cyrillic а collides with "Maria".
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables


def normalize_email(email: str) -> str:
    email = unicodedata.normalize("NFKC", (email or "").strip())
    # str.lower() maps only within a script: "I".lower() is "i", "ı" stays "ı".
    return email.lower()


@lru_cache(maxsize=1)
def _confusable_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for char, entry in confusables.confusables_data.items():
        if char.isascii():
            continue
        for homoglyph in entry:
            target = homoglyph["c"]
            if target.isascii():
                mapping[char] = target
                break
    return mapping


def display_name_skeleton(name: str) -> str:
    """A key under which visually confusable names compare equal."""
    mapping = _confusable_map()
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    skeleton = "".join(mapping.get(c, c) for c in stripped)
    skeleton = skeleton.casefold()
    # Common look-alike sequences and spacing do not make a different name.
    skeleton = skeleton.replace("rn", "m").replace("0", "o").replace("1", "l").replace("|", "l")
    return "".join(skeleton.split())


def addresses_of(user) -> set[str]:
    """Every address the account has, normalised: its own and every one it
    added, confirmed or not."""
    from allauth.account.models import EmailAddress

    return {normalize_email(user.email)} | {
        normalize_email(a)
        for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
