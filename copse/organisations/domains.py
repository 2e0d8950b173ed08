"""Email domains as organisations claim them: lower case, IDNA, exact."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Domains anyone can get an address in: claiming one would verify strangers.
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "mail.com",
        "yandex.ru",
        "qq.com",
        "163.com",
        "fastmail.com",
        "zoho.com",
    }
)


def normalise_domain(value: str) -> str:
    """The canonical form of a typed domain; ValueError with a message if it is not one."""
    domain = value.strip().lower().lstrip("@").rstrip(".")
    if not domain:
        raise ValueError(_("Type a domain, e.g. example.com."))
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(_("%(value)s is not a domain name.") % {"value": value.strip()}) from None
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(
            _("%(value)s is not a domain name, e.g. example.com.") % {"value": value.strip()}
        )
    if domain in FREE_MAIL:
        raise ValueError(
            _(
                "%(domain)s is a public mail service: anyone can have an address there, so it "
                "cannot verify an organisation."
            )
            % {"domain": domain}
        )
    return domain


def domain_of(email: str) -> str | None:
    """The domain part of an address in the claimed form, or None."""
    if "@" not in email:
        return None
    try:
        return email.rsplit("@", 1)[1].strip().lower().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return None
