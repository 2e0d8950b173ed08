"""Where a webhook may send: the checks on its address (the SSRF guard).

A target is an http or https URL without a user name or password, on port
80, 443 or an unprivileged port. Every address its host name resolves to
must be a public one: no private, loopback, link-local, multicast, reserved,
shared or unspecified address, in IPv4 or IPv6, nor an IPv6 address that
carries one of those inside it (IPv4-mapped, 6to4, Teredo, NAT64). A site
whose receivers live on its own network allows them with
COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS.

The name is checked when the webhook is saved, for a clear message, and
resolved again when each delivery is sent: the transport connects to the
very address this module checked (`transport.post`), so a name that answers
differently the second time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.core.errors import UserFacingError

MAX_LENGTH = 500
DEFAULT_PORTS = {"http": 80, "https": 443}
# Below 1024 only the web's own ports: a webhook is not a way to talk to a
# mail, database or directory server.
LOWEST_OTHER_PORT = 1024
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class TargetRefused(UserFacingError):
    title = gettext_lazy("Copse does not send there")
    status = 400


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int
    path: str  # path and query, as sent in the request line
    literal: bool  # the host is an IP address


def private_targets_allowed() -> bool:
    return bool(settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS)


def _embedded(address) -> list:
    """The IPv4 addresses an IPv6 address carries, which is where it leads."""
    if address.version != 6:
        return []
    inside = []
    if address.ipv4_mapped is not None:
        inside.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        inside.append(address.sixtofour)
    if address.teredo is not None:
        inside.extend(address.teredo)
    if any(address in network for network in NAT64):
        inside.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return inside


def _kind_of_refused(address) -> str:
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_loopback:
        return _("a loopback address")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_reserved:
        return _("a reserved address")
    if address.is_private:
        return _("a private address")
    if not address.is_global:
        return _("a non-public address")
    return ""


def refusal(address: str) -> str:
    """Why Copse does not send to `address` (an IP address as text), or ""."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return _("%(address)s is not an IP address.") % {"address": address}
    # What it leads to first, so the reason names where that is.
    for candidate in (*_embedded(parsed), parsed):
        kind = _kind_of_refused(candidate)
        if kind:
            if candidate == parsed:
                return _(
                    "%(address)s is %(kind)s: Copse sends webhooks only to public addresses."
                ) % {"address": address, "kind": kind}
            return _(
                "%(address)s is %(kind)s, as it leads to %(inside)s: Copse sends webhooks "
                "only to public addresses."
            ) % {"address": address, "kind": kind, "inside": candidate}
    return ""


def _is_loopback_name(host: str) -> bool:
    # RFC 6761: "localhost" and every name under it are the machine itself.
    return host == "localhost" or host.endswith(".localhost")


def parse(url: str, *, allow_private: bool | None = None) -> Target:
    """The target `url` names, or TargetRefused saying what to change. Checks
    what the URL itself says; the addresses a name resolves to are checked
    by `resolve`."""
    if allow_private is None:
        allow_private = private_targets_allowed()
    url = (url or "").strip()
    if not url:
        raise TargetRefused(_("Enter the address Copse should send to."))
    if len(url) > MAX_LENGTH:
        raise TargetRefused(
            _("Addresses are at most %(length)d characters.") % {"length": MAX_LENGTH}
        )
    if any(ord(ch) <= 0x20 or ord(ch) >= 0x7F for ch in url):
        raise TargetRefused(
            _(
                "The address has a space, a control character or a letter outside ASCII: "
                "percent-encode them, and write an international name in its xn-- form."
            )
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_("That is not an address Copse can read.")) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetRefused(_("Use an address that starts with https:// (or http://)."))
    if "@" in parts.netloc:
        raise TargetRefused(
            _(
                "Leave the user name and password out of the address: the receiver checks "
                "the signature instead."
            )
        )
    if parts.fragment or url.endswith("#"):
        raise TargetRefused(_("Leave out the part from # on: it is never sent."))
    host = (parts.hostname or "").rstrip(".")
    if not host or "%" in host:
        raise TargetRefused(_("The address needs a host name, such as hooks.example.org."))
    if port is not None and port not in DEFAULT_PORTS.values() and port < LOWEST_OTHER_PORT:
        raise TargetRefused(
            _("Port %(port)d is refused: use 80, 443 or a port from %(lowest)d up.")
            % {"port": port, "lowest": LOWEST_OTHER_PORT}
        )
    literal = True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        literal = False
    if not allow_private:
        if literal and refusal(host):
            raise TargetRefused(refusal(host))
        if _is_loopback_name(host):
            raise TargetRefused(
                _("%(host)s is this machine: Copse sends webhooks only to public addresses.")
                % {"host": host}
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        scheme=scheme,
        host=host,
        port=port or DEFAULT_PORTS[scheme],
        path=path,
        literal=literal,
    )


class Unresolvable(Exception):
    """The host name has no address now."""


def resolve(target: Target, *, allow_private: bool | None = None) -> list[str]:
    """The addresses to connect to for `target`, each checked: TargetRefused
    if any of them is refused (a name that leads anywhere private is refused
    as a whole), Unresolvable if the name has none."""
    if allow_private is None:
        allow_private = private_targets_allowed()
    try:
        answers = socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise Unresolvable(f"No address found for {target.host}: {error}") from error
    addresses = []
    for family, _type, _proto, _name, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = sockaddr[0]
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unresolvable(f"No address found for {target.host}.")
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason:
                raise TargetRefused(
                    _("%(host)s leads to %(reason)s") % {"host": target.host, "reason": reason}
                )
    return addresses


def check_for_saving(url: str) -> Target:
    """What the webhook form asks before saving: the URL, and where its name
    leads now. The check that counts is made again at each sending."""
    target = parse(url)
    try:
        resolve(target)
    except Unresolvable:
        raise TargetRefused(
            _(
                "Copse could not find the address of %(host)s just now. Check the name, "
                "or try again in a minute."
            )
            % {"host": target.host}
        ) from None
    return target
