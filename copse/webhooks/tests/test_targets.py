"""The SSRF guard: what Copse refuses to send to, when the webhook is saved
and, the check that counts, when each delivery is sent."""

import datetime as dt
import os
import socket
import ssl

import pytest
from django.urls import reverse

from copse.conversations import services as conversations
from copse.webhooks import services, targets, transport
from copse.webhooks.models import Webhook, WebhookDelivery
from copse.webhooks.tests.receiver import Receiver

REFUSED_EVERYWHERE = [
    ("ftp://hooks.example.org/", "https://"),
    ("file:///etc/passwd", "https://"),
    ("gopher://hooks.example.org/", "https://"),
    ("javascript:alert(1)", "https://"),
    ("https://user:secret@hooks.example.org/in", "user name and password"),
    ("https://@hooks.example.org/in", "user name and password"),
    ("https://hooks.example.org:25/in", "Port 25"),
    ("https://hooks.example.org:0/in", "Port 0"),
    ("https://hooks.example.org:99999/in", "Copse can read"),
    ("https://hooks.example.org/in#fragment", "from #"),
    ("https://hooks.example.org/a b", "space"),
    ("https://hooks.example.org/a\r\nHost: evil", "control character"),
    ("https://hööks.example.org/", "xn--"),
    ("https:///no-host", "host name"),
    ("https://[fe80::1%25eth0]/", "host name"),
    ("", "Enter the address"),
]

PRIVATE = [
    ("http://127.0.0.1:8000/", "loopback"),
    ("http://127.1.2.3/", "loopback"),
    ("http://localhost/", "this machine"),
    ("http://LOCALHOST./in", "this machine"),
    ("http://api.localhost/", "this machine"),
    ("http://[::1]/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://100.64.0.1/", "non-public"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://224.0.1.1/", "multicast"),
    ("http://[ff0e::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://192.0.2.10/", "private"),
    ("http://[::ffff:127.0.0.1]/", "leads to 127.0.0.1"),
    ("http://[::ffff:a00:1]/", "leads to 10.0.0.1"),
    ("http://[::ffff:169.254.169.254]/", "leads to 169.254.169.254"),
    ("http://[64:ff9b::7f00:1]/", "leads to 127.0.0.1"),
    ("http://[2002:a9fe:a9fe::1]/", "leads to 169.254.169.254"),
]


@pytest.mark.parametrize(("url", "says"), REFUSED_EVERYWHERE)
def test_addresses_refused_whatever_the_site_allows(settings, url, says):
    for allowed in (False, True):
        settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = allowed
        with pytest.raises(targets.TargetRefused) as refused:
            targets.parse(url)
        assert says in refused.value.message


@pytest.mark.parametrize(("url", "says"), PRIVATE)
def test_private_addresses_refused_unless_the_site_allows_them(settings, url, says):
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(targets.TargetRefused) as refused:
        targets.parse(url)
    assert says in refused.value.message
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert targets.parse(url).host


def test_public_addresses_pass(settings):
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "https://hooks.example.org/in?token=abc",
        "http://93.184.215.14/",
        "https://[2606:4700:4700::1111]:8443/in",
        "https://hooks.example.org:443/",
    ):
        target = targets.parse(url)
        assert target.port in (80, 443, 8443)
    assert targets.parse("https://hooks.example.org/in?token=abc").path == "/in?token=abc"
    assert targets.refusal("8.8.8.8") == ""


def _circle_hook(community, facilitator, url, events=("post.published",)):
    hook, secret = services.create_webhook(
        actor=facilitator, community=community, target_url=url, events=list(events)
    )
    return hook


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433"])
def test_at_sending_a_loopback_target_is_refused_and_nothing_reaches_it(
    circle, receiver, settings, django_capture_on_commit_callbacks, host
):
    """Saved while the site allowed it; the site no longer does: the check
    made when sending refuses it, and the receiver hears nothing."""
    community, facilitator, member = circle
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    hook = _circle_hook(community, facilitator, receiver.url(host=host))
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "failed", "a refusal is not tried again"
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "public addresses" in attempt.error
    assert "127.0.0.1" in attempt.error or "this machine" in attempt.error


def test_an_ipv6_loopback_receiver_is_refused_at_sending(
    db, circle, settings, django_capture_on_commit_callbacks
):
    try:
        six = Receiver(host="::1")
    except OSError:
        # The CI machine has ::1; only a developer's machine without it skips.
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no IPv6 loopback here")
    six.start()
    try:
        community, facilitator, member = circle
        settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
        _circle_hook(community, facilitator, six.url(host="[::1]"))
        settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        with django_capture_on_commit_callbacks(execute=True):
            conversations.start_thread(
                actor=member, community=community, kind="discussion", title="T", body="B"
            )
        assert six.received == []
        assert "loopback" in WebhookDelivery.objects.get().attempt_log.get().error
    finally:
        six.stop()


def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    circle, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: the name answers one address for the check and another
    a moment later. Copse resolves once and connects to what it checked; the
    request still names the host."""
    community, facilitator, member = circle
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    real = socket.getaddrinfo
    asked = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        # First the receiver, then an address nothing listens on.
        address = "127.0.0.1" if len(asked) == 1 else "127.0.0.2"
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    hook = _circle_hook(community, facilitator, receiver.url(host="rebind.test"))
    asked.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    assert asked == ["rebind.test"]
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["Host"] == f"rebind.test:{receiver.port}"
    assert WebhookDelivery.objects.get(webhook=hook).status == "succeeded"


def test_a_name_with_any_private_answer_is_refused_whole(circle, settings, monkeypatch):
    real = socket.getaddrinfo

    def mixed(host, port, *args, **kwargs):
        if host != "mixed.test":
            return real(host, port, *args, **kwargs)
        return real("93.184.215.14", port, *args, **kwargs) + real(
            "10.1.2.3", port, *args, **kwargs
        )

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(transport.Refused) as refused:
        transport.post("https://mixed.test/in", b"{}", {})
    assert "10.1.2.3 is a private address" in str(refused.value)


def _tls_receiver(tmp_path, name: str):
    """An https receiver on loopback with a certificate for `name`, signed by
    a CA made here; the CA's file is what the site trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return Receiver(tls_context=context).start(), str(tmp_path / "ca.pem")


def test_https_names_and_verifies_the_host_while_connecting_to_the_checked_address(
    circle, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    tls, ca_file = _tls_receiver(tmp_path, "hooks.circle.test")
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "hooks.circle.test":
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.COPSE_WEBHOOKS_CA_FILE = ca_file
    try:
        hook = _circle_hook(
            community, facilitator, tls.url(host="hooks.circle.test", scheme="https")
        )
        with django_capture_on_commit_callbacks(execute=True):
            conversations.start_thread(
                actor=member, community=community, kind="discussion", title="T", body="B"
            )
        request = tls.received[0]
        assert request.server_name == "hooks.circle.test"
        assert request.headers["Host"] == f"hooks.circle.test:{tls.port}"
        assert WebhookDelivery.objects.get(webhook=hook).status == "succeeded"

        # The same receiver under a name its certificate does not carry.
        Webhook.objects.filter(pk=hook.pk).update(
            target_url=tls.url(host="127.0.0.1", scheme="https")
        )
        with django_capture_on_commit_callbacks(execute=True):
            conversations.start_thread(
                actor=member, community=community, kind="discussion", title="U", body="C"
            )
        refused = WebhookDelivery.objects.filter(webhook=hook).order_by("-pk").first()
        assert refused.status == "pending"
        assert "TLS failed" in refused.attempt_log.get().error
        assert len(tls.received) == 1
    finally:
        tls.stop()


def test_the_form_refuses_a_private_address_with_a_clear_message_and_keeps_the_input(
    circle, client, settings
):
    community, facilitator, _ = circle
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    client.force_login(facilitator)
    url = reverse("webhooks:new", args=[community.slug])
    for target, says in [
        ("http://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
        ("http://localhost:8000/", "localhost is this machine"),
        ("http://[::ffff:10.0.0.1]/", "as it leads to 10.0.0.1"),
        ("ftp://hooks.example.org/", "starts with https://"),
    ]:
        response = client.post(
            url,
            {"description": "Chat", "target_url": target, "events": ["post.published"]},
        )
        assert response.status_code == 400
        assert says in response.content.decode()
        assert f'value="{target}"'.replace("&", "&amp;") in response.content.decode()
        assert b'value="post.published"' in response.content
    assert not Webhook.objects.exists()


def test_the_form_says_when_a_name_does_not_resolve(circle, client, settings):
    community, facilitator, _ = circle
    client.force_login(facilitator)
    response = client.post(
        reverse("webhooks:new", args=[community.slug]),
        {"target_url": "https://no-such-host.invalid/in", "events": ["post.published"]},
    )
    assert response.status_code == 400
    assert b"could not find the address of no-such-host.invalid" in response.content


def test_the_form_refuses_a_name_that_resolves_to_a_private_address(
    circle, client, settings, monkeypatch
):
    community, facilitator, _ = circle
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "intranet.circle.test":
            host = "10.20.30.40"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    client.force_login(facilitator)
    response = client.post(
        reverse("webhooks:new", args=[community.slug]),
        {"target_url": "https://intranet.circle.test/in", "events": ["post.published"]},
    )
    assert response.status_code == 400
    assert "intranet.circle.test leads to 10.20.30.40 is a private address" in (
        response.content.decode()
    )
