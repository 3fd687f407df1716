"""Login lockout scope, API tokens, the secret key, trusted proxies and the API's limit.

Roles: any user may log in and hold a token; the API lists are read by the evaluation officer
(every row); the lockout counts failures per username (any address) and, with a much higher
threshold, per address.
"""

import argparse
import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from landcycle.web.models import LoginAttempt
from tests.web.conftest import client_for
from tests.web.factories import PASSWORD

OFFICE = "10.20.30.40"  # everyone in one office, behind one proxy address


def _login(client, username, password=PASSWORD, address=OFFICE):
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _age_attempts(minutes):
    LoginAttempt.objects.update(time=F("time") - dt.timedelta(minutes=minutes))


# ---- lockout -------------------------------------------------------------------------------


def test_an_office_behind_one_address_is_not_locked_out_by_its_typos(world, client):
    for i in range(40):  # 40 colleagues mistype once each (the old rule locked at 20)
        assert _login(client, f"colleague{i}", "typo").status_code == 200
    assert _login(client, "evaluator").status_code == 302


def test_a_guessing_run_from_one_address_locks_that_address_only(world, client, settings):
    settings.LANDCYCLE_LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    for i in range(30):
        _login(client, f"guess{i}", "x", address="203.0.113.9")
    assert _login(client, "evaluator", address="203.0.113.9").status_code == 429
    assert _login(client, "evaluator", address=OFFICE).status_code == 302


def test_attempts_during_a_lock_do_not_prolong_it(world, client, settings):
    settings.LANDCYCLE_LOGIN_MAX_FAILURES = 5
    settings.LANDCYCLE_LOGIN_LOCKOUT_MINUTES = 15
    for _ in range(5):
        _login(client, "street_a", "wrong")
    _age_attempts(10)
    for _ in range(5):  # the right password, but while locked: refused and not counted
        assert _login(client, "street_a").status_code == 429
    assert LoginAttempt.objects.count() == 5
    _age_attempts(6)  # the failures are 16 minutes old: the lock has ended
    assert _login(client, "street_a").status_code == 302


def test_empty_usernames_are_not_counted(world, client):
    for _ in range(30):
        client.post("/api/auth/token/", {"username": "", "password": "x"}, REMOTE_ADDR=OFFICE)
        client.post("/api/auth/token/", {"username": "  ", "password": "x"}, REMOTE_ADDR=OFFICE)
        _login(client, "", "x")
    assert LoginAttempt.objects.count() == 0
    assert _login(client, "evaluator").status_code == 302


# ---- API tokens ----------------------------------------------------------------------------


def _token(client, username="ent_a", password=PASSWORD):
    response = client.post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_password_change_revokes_the_api_tokens(world, client):
    key = _token(client)
    user = world.users["enterprise_user"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/parcels/", **auth).status_code == 200
    user.set_password("a-new-password-2026")
    user.save()
    # 403: DRF answers 403, not 401, when session authentication is listed first.
    refused = client.get("/api/parcels/", **auth)
    assert refused.status_code == 403  # 认证令牌无效 invalid token
    assert not Token.objects.filter(user=user).exists()
    new = _token(client, password="a-new-password-2026")
    assert new != key
    assert client.get("/api/parcels/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_login_or_a_profile_save_keeps_the_token(world, client):
    key = _token(client)
    user = world.users["enterprise_user"]
    user.first_name = "甲"
    user.save()
    assert _login(client, "ent_a").status_code == 302  # updates last_login
    assert Token.objects.get(user=user).key == key


def test_tokens_expire(world, client, settings):
    settings.LANDCYCLE_API_TOKEN_DAYS = 30
    key = _token(client)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=29))
    assert client.get("/api/parcels/", **auth).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=31))
    response = client.get("/api/parcels/", **auth)
    assert response.status_code == 403 and "expired" in response.json()["detail"]
    assert not Token.objects.filter(key=key).exists()
    assert _token(client) != key  # a new one on asking


def test_asking_again_for_an_expired_token_gives_a_new_one(world, client, settings):
    key = _token(client)
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=31))
    assert _token(client) != key


# ---- secret key ----------------------------------------------------------------------------


def _serve_args(**extra):
    return argparse.Namespace(host="127.0.0.1", port=8000, threads=1, workers=1, **extra)


def test_serve_refuses_to_start_without_a_secret_key(settings, monkeypatch, tmp_path):
    from landcycle.cli import CommandError
    from landcycle.web import cli, serve

    settings.DATA_DIR = tmp_path  # no demo was built here
    started = []
    monkeypatch.setattr(serve, "serve", lambda *a, **k: started.append(a))
    monkeypatch.setattr("landcycle.core.commands.setup_django", lambda migrate=True: None)
    settings.LANDCYCLE_SECRET_KEY_FROM_ENV = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="LANDCYCLE_SECRET_KEY"):
        cli.handle_serve(_serve_args())
    assert started == []
    assert cli.handle_serve(_serve_args(demo=True)) == 0  # the demo: its own random key
    settings.LANDCYCLE_SECRET_KEY_FROM_ENV = True
    assert cli.handle_serve(_serve_args()) == 0
    assert len(started) == 2


def test_serve_after_the_demo_runs_on_the_directory_key(settings, monkeypatch, tmp_path, capsys):
    """`landcycle demo --no-serve` then `landcycle serve` in the same data directory."""
    from landcycle.cli import CommandError
    from landcycle.demo.services import demo_marker
    from landcycle.web import cli, serve

    started = []
    monkeypatch.setattr(serve, "serve", lambda *a, **k: started.append(a))
    monkeypatch.setattr("landcycle.core.commands.setup_django", lambda migrate=True: None)
    settings.DATA_DIR = tmp_path
    settings.LANDCYCLE_SECRET_KEY_FROM_ENV = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="LANDCYCLE_SECRET_KEY"):
        cli.handle_serve(_serve_args())  # a data directory the demo was never built in
    demo_marker().parent.mkdir(parents=True)
    demo_marker().write_text("demo")
    assert cli.handle_serve(_serve_args()) == 0 and len(started) == 1
    assert "演示数据目录" in capsys.readouterr().out


def test_the_key_without_the_setting_is_random_and_kept_in_the_data_dir(tmp_path):
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SECRET_KEY)"

    def key(data_dir, **env):
        environment = {**os.environ, "LANDCYCLE_DATA_DIR": str(data_dir), **env}
        environment.pop("LANDCYCLE_SECRET_KEY", None) if not env else None
        environment["DJANGO_SETTINGS_MODULE"] = "landcycle.settings"
        return subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True
        ).stdout.strip()

    first = key(tmp_path / "a")
    assert len(first) >= 50 and "not-secret" not in first
    assert key(tmp_path / "a") == first  # kept
    assert key(tmp_path / "b") != first  # each data directory its own
    assert (tmp_path / "a" / "secret_key").stat().st_mode & 0o077 == 0  # owner only
    assert key(tmp_path / "a", LANDCYCLE_SECRET_KEY="from-the-environment") == (
        "from-the-environment"
    )


# ---- trusted proxies -----------------------------------------------------------------------


def test_forwarded_for_counts_only_from_a_trusted_proxy(world, client, settings):
    settings.LANDCYCLE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    from django.test import Client

    proxied = Client()  # middleware is set up on the first request, after the setting
    proxied.post(
        reverse("web:login"),
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.3",
    )
    spoofed = Client()
    spoofed.post(
        reverse("web:login"),
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    addresses = list(LoginAttempt.objects.order_by("pk").values_list("ip_address", flat=True))
    assert addresses == ["198.51.100.7", "203.0.113.5"]


def test_https_mode_behind_a_trusted_proxy_does_not_loop(world, settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.LANDCYCLE_TRUSTED_PROXIES = ["10.0.0.1"]
    settings.ALLOWED_HOSTS = ["landcycle.example.org", "testserver"]
    proxy = {
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "landcycle.example.org",
    }
    behind = Client().get("/portal/", REMOTE_ADDR="10.0.0.1", **proxy)
    assert behind.status_code == 200  # a 301 to https:// here loops for ever
    assert behind.wsgi_request.is_secure()
    assert behind.wsgi_request.get_host() == "landcycle.example.org"
    direct = Client().get("/portal/", REMOTE_ADDR="203.0.113.5", **proxy)
    assert direct.status_code == 301  # a client's own X-Forwarded-Proto is not believed
    assert direct["Location"] == "https://testserver/portal/"


def test_a_bad_trusted_proxy_entry_is_named(settings):
    from django.core.exceptions import ImproperlyConfigured

    from landcycle.web.middleware import trusted_networks

    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        trusted_networks(["10.0.0.0/8", "proxy.example"])


# ---- API limit -----------------------------------------------------------------------------

LISTS = [
    "jurisdictions", "parcels", "enterprises", "persons", "relations", "buildings", "leases",
    "indicator-reports", "violations", "commitments", "evaluation-runs", "evaluation-results",
]  # fmt: skip


@pytest.mark.parametrize("endpoint", LISTS)
def test_api_limit_is_capped_with_a_clear_400(world, settings, endpoint):
    settings.LANDCYCLE_API_MAX_LIMIT = 1000
    client = client_for(world.users["evaluation_officer"])
    assert client.get(f"/api/{endpoint}/?limit=1000").status_code == 200
    for bad in ("1001", "99999999999999999999999", "0", "-5", "abc", "1e3"):
        response = client.get(f"/api/{endpoint}/?limit={bad}")
        assert response.status_code == 400, (endpoint, bad)
        assert "1000" in response.json()["limit"][0]
    for bad in ("-1", "99999999999999999999999", "x"):
        assert client.get(f"/api/{endpoint}/?offset={bad}").status_code == 400, (endpoint, bad)
    assert client.get(f"/api/{endpoint}/?limit=2&offset=1").status_code == 200


def test_served_https_mode_behind_a_local_proxy_answers_instead_of_redirecting(tmp_path):
    """The real server (waitress): LANDCYCLE_HTTPS=1 behind a proxy on the same machine (the
    default trusted proxy). Before, waitress dropped X-Forwarded-Proto and every request was
    redirected to https:// again, for ever."""
    import http.client
    import os
    import subprocess
    import sys
    import time

    from tests.web.test_serve import free_port

    port = free_port()
    env = {
        **os.environ,
        "LANDCYCLE_DATA_DIR": str(tmp_path),
        "LANDCYCLE_SECRET_KEY": "k" * 50,
        "LANDCYCLE_HTTPS": "1",
        "LANDCYCLE_ALLOWED_HOSTS": "landcycle.example.org,127.0.0.1",
    }
    env.pop("LANDCYCLE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "landcycle.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(headers):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/portal/", headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "landcycle.example.org"}
    try:
        for _ in range(600):
            try:
                get({})
                break
            except OSError:
                time.sleep(0.2)
        response = get(proxied)
        assert response.status == 200, response.getheader("Location")
        assert "max-age" in (response.getheader("Strict-Transport-Security") or "")
        plain = get({"Host": "landcycle.example.org"})  # not through the proxy: to https
        assert plain.status == 301
        assert plain.getheader("Location") == "https://landcycle.example.org/portal/"
    finally:
        server.terminate()
        server.wait(timeout=20)
