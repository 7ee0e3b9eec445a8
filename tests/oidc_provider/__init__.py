"""A real OpenID Connect provider (django-oidc-provider) for Haven's sign-in tests, run on loopback.

It is its own tiny Django project with its own settings and database, started in a subprocess by
tests/integration/test_sso.py (`serve.py`); Haven talks to it over HTTP as to Entra ID or Google.
"""
