"""A small OpenID Connect provider for the single sign-on tests: its own
Django project (django-oauth-toolkit in OIDC mode), run in a child process on
a free loopback port by `copse.sso.tests.conftest`. Its people, clients and
RSA key come from a spec file the test writes (`serve.py`)."""
