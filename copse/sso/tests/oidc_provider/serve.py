"""Run the test provider: `python -m copse.sso.tests.oidc_provider.serve`
with COPSE_TEST_IDP_SPEC naming the spec file. It makes its database, its
people and its clients, listens on a free port of 127.0.0.1, writes
"listening <port>" on standard output, and serves until it is stopped."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "copse.sso.tests.oidc_provider.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    for person in settings.SPEC["people"]:
        User.objects.create_user(username=person["username"], password=person["password"])
    Application = get_application_model()
    for client in settings.SPEC["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    sys.stdout.write(f"listening {server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
