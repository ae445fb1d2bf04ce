"""Who may use the app: the token off loopback, the host check, cross-site writes, the headers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chipsmith.web.config import WebConfig, is_loopback
from chipsmith.web.security import COOKIE, same_origin_write
from unit.web.conftest import client, make_app

pytestmark = pytest.mark.unit
TOKEN = "t" * 20


@pytest.mark.parametrize(
    ("host", "loop"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.5", True),
     ("0.0.0.0", False), ("192.168.1.4", False), ("::", False), ("example.com", False)],
)  # fmt: skip
def test_loopback_addresses(host, loop):
    assert is_loopback(host) is loop


def test_a_non_loopback_bind_without_a_token_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="needs an access token"):
        WebConfig(home=tmp_path, host="0.0.0.0")
    with pytest.raises(ValidationError, match="at least 16"):
        WebConfig(home=tmp_path, host="0.0.0.0", token="short")
    assert (
        WebConfig(home=tmp_path, host="0.0.0.0", token=TOKEN).url() == f"http://0.0.0.0:8765/?token={TOKEN}"
    )


def test_every_request_without_the_token_gets_401(home):
    app = make_app(home, host="0.0.0.0", token=TOKEN)
    c = client(app, base_url="http://10.0.0.7:8765")
    for path in ("/", "/api/sessions", "/static/app.css", "/runs", "/api/runs/report?run=x"):
        r = c.get(path)
        assert r.status_code == 401, path
        assert "token" in r.text and "Traceback" not in r.text
    assert c.get("/api/sessions", headers={"Authorization": "Bearer " + "u" * 20}).status_code == 401
    assert c.get("/api/sessions", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_the_link_with_the_token_sets_a_cookie_and_drops_the_token_from_the_address(home):
    c = client(make_app(home, host="0.0.0.0", token=TOKEN), base_url="http://10.0.0.7:8765")
    r = c.get(f"/runs?token={TOKEN}&x=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs?x=1"
    cookie = r.headers["set-cookie"]
    assert f"{COOKIE}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    app = make_app(home, host="0.0.0.0", token=TOKEN)
    for value, status in ((TOKEN, 200), ("nope" * 5, 401)):
        fresh = client(app, base_url="http://10.0.0.7:8765")
        assert fresh.get("/runs", headers={"Cookie": f"{COOKIE}={value}"}).status_code == status


def test_a_loopback_server_refuses_other_host_names(api):
    assert api.get("/api/sessions").status_code == 200
    assert api.get("/api/sessions", headers={"Host": "localhost:8765"}).status_code == 200
    assert api.get("/api/sessions", headers={"Host": "[::1]:8765"}).status_code == 200
    r = api.get("/api/sessions", headers={"Host": "attacker.example:8765"})
    assert r.status_code == 403 and "loopback" in r.text


def test_cross_site_and_form_writes_are_refused(api):
    body = {"title": "x", "model": "scripted:none.yaml"}
    assert api.post("/api/sessions", json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    assert api.post("/api/sessions", json=body, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert api.post("/api/sessions", data=body).status_code == 403
    ok = api.post(
        "/api/sessions",
        json=body,
        headers={"Origin": "http://127.0.0.1:8765", "Sec-Fetch-Site": "same-origin"},
    )
    assert ok.status_code == 201 and ok.json()["model"].startswith("scripted:")


def test_same_origin_write_is_a_pure_rule():
    def scope(method, *headers):
        return {"method": method, "headers": [(k.encode(), v.encode()) for k, v in headers]}

    assert same_origin_write(scope("GET", ("origin", "http://evil"))) is None
    assert same_origin_write(scope("POST", ("content-type", "application/json"), ("host", "a:1"))) is None
    assert "cross-origin" in same_origin_write(scope("POST", ("origin", "http://b:1"), ("host", "a:1")))
    assert "JSON" in same_origin_write(scope("POST", ("content-type", "text/plain")))


def test_pages_forbid_inline_script_and_sniffing(api, session):
    for path in ("/", f"/s/{session.id}", f"/s/{session.id}/files", f"/s/{session.id}/wave", "/runs"):
        r = api.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in r.text.replace("<script src=", "")  # every script is a file
    schematic = api.get(f"/s/{session.id}/schematic").headers["content-security-policy"]
    assert "'unsafe-eval'" in schematic and "unsafe-inline" not in schematic


def test_errors_are_one_line_never_a_traceback(api):
    r = api.get("/api/sessions/20990101-000000-abcd/transcript")
    assert r.status_code == 404 and r.json()["detail"].startswith("no session")
    r = api.get("/api/sessions/not-an-id")
    assert r.status_code == 404 and "\n" not in r.json()["detail"]
    r = api.post("/api/sessions/whatever/messages", json={"text": ""})
    assert r.status_code in (404, 422) and "Traceback" not in r.text
