"""Start the test provider: `python -m tests.oidc_provider.serve CLIENT_ID SECRET REDIRECT_URI POST_LOGOUT_URI`.

Needs OIDC_TEST_PORT and OIDC_TEST_DB in the environment. Migrates its database, makes a signing
key, the client (confidential, authorization code, no consent screen) and the test users given as
JSON lines on standard input ({"username", "password", "first_name"}), prints "ready" and serves
on 127.0.0.1 until it is ended.
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    client_id, secret, redirect_uri, post_logout_uri = sys.argv[1:5]
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("creatersakey", stdout=quiet)
    client = Client.objects.create(
        name="Haven",
        client_type="confidential",
        client_id=client_id,
        client_secret=secret,
        jwt_alg="RS256",
        redirect_uris=[redirect_uri],
        post_logout_redirect_uris=[post_logout_uri],
        require_consent=False,
        reuse_consent=True,
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for line in sys.stdin:
        if line.strip():
            person = json.loads(line)
            get_user_model().objects.create_user(
                person["username"], password=person["password"], first_name=person.get("first_name", "")
            )
    server = make_server(
        "127.0.0.1", int(os.environ["OIDC_TEST_PORT"]), get_wsgi_application(), ThreadingServer, QuietHandler
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
