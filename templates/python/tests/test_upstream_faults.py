"""What every adapter answers alike, whatever API is behind it: bodies Loom's contract
rejects, an unknown model, and an upstream that sends garbage, resets, refuses or hangs.
The adapter's tests/test_chat.py covers what is particular to its API."""
from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest

from provider.errors import PluginError, hide_secrets
from tests.fake_server import BAD_LOCATION, REDIRECT_SECRET
from tests.fake_upstream import MODEL, valid_config
from tests.test_lifecycle import assert_error, assert_plain_message
from tests.test_transport import closed_port

HELLO = {"model": MODEL, "messages": [{"role": "user", "content": "hello there"}]}
# A key as long as real ones, with the characters that change when percent-encoded or
# JSON-escaped.
ODD_KEY = "sk-Zq8+v/W3xR=kT9pLm2+nB7/cV4dF6hJ1aS0="


def echoed(client, upstream, said):
    """The error answer to a chat when ODD_KEY is configured and the provider says `said`."""
    client.post("/initialize", json=valid_config(upstream.url, api_key=ODD_KEY))
    upstream.echoed = said
    upstream.fault = "echo-key"
    return assert_error(client.post("/chat/completions", json=HELLO), "authentication_failed", 401)


@pytest.mark.parametrize(
    "data",
    ["not json", json.dumps({"model": MODEL}), json.dumps({"model": MODEL, "messages": "hi"}), json.dumps([1])],
)
def test_bad_request_bodies_are_invalid_request(ready, data):
    assert_error(ready.post("/chat/completions", data=data, content_type="application/json"), "invalid_request", 400)


def test_unknown_model_is_model_not_found(ready):
    error = assert_error(ready.post("/chat/completions", json={**HELLO, "model": "nope"}), "model_not_found", 404)
    # "the provider", as plugin users say; "upstream" is the template's own word.
    assert error["message"].startswith("the provider answered 404"), error["message"]


def test_garbage_from_upstream_is_internal_error(ready, upstream):
    upstream.fault = "garbage"
    error = assert_error(ready.post("/chat/completions", json=HELLO), "internal_error", 500)
    assert error["transient"] is False
    assert error["message"].startswith("the provider ") and "upstream" not in error["message"], error["message"]


def test_reset_and_refused_connections_are_provider_unavailable_said_plainly(client, ready, upstream):
    upstream.fault = "reset"
    reset = assert_error(ready.post("/chat/completions", json=HELLO), "provider_unavailable", 502)
    assert reset["transient"] is True
    assert "closed the connection before answering; retrying may work" in reset["message"]
    assert_plain_message(reset["message"])
    # The host is named; the query (which may carry a secret) and the key are not.
    port = closed_port()
    config = valid_config(f"http://127.0.0.1:{port}/v1?token=s3cret")
    client.post("/initialize", json=config)
    refused = assert_error(client.post("/chat/completions", json=HELLO), "provider_unavailable", 502)
    assert refused["message"].startswith(f"cannot connect to 127.0.0.1:{port}: connection refused; check the endpoint")
    assert_plain_message(refused["message"])
    for secret in ["s3cret", config.get("api_key") or "s3cret"]:
        assert secret not in refused["message"]


def test_a_redirect_is_answered_not_followed_so_the_key_stays_with_the_upstream(ready, upstream):
    before = len(upstream.received)
    upstream.fault = "redirect"
    response = ready.post("/chat/completions", json=HELLO)
    assert response.status_code >= 400, f"a redirect followed: {response.status_code}"
    assert len(upstream.received) == before + 1
    # It says where the endpoint points now (status, scheme and host, not the Location's query).
    message = assert_error(response, "invalid_request", 400)["message"]
    assert message.startswith(f"the endpoint redirected (307) to {upstream.url}; set the endpoint setting to the final URL"), message
    assert REDIRECT_SECRET not in message


def test_a_redirect_to_something_that_is_no_url_is_answered_alike_without_repeating_it(ready, upstream):
    # An unclosed IPv6 bracket: the URL parser refuses it, and that must not turn the
    # answer into an internal error.
    upstream.fault = "bad-redirect"
    message = assert_error(ready.post("/chat/completions", json=HELLO), "invalid_request", 400)["message"]
    assert message.startswith("the endpoint redirected (302) to another address; set the endpoint setting to the final URL"), message
    assert BAD_LOCATION not in message


def test_a_provider_that_echoes_the_key_does_not_put_it_in_the_answer(ready, upstream):
    key = valid_config(upstream.url).get("api_key")
    if not key:
        pytest.skip("this API has no key")
    upstream.echoed = f"Incorrect API key provided: {key}"
    upstream.fault = "echo-key"
    message = assert_error(ready.post("/chat/completions", json=HELLO), "authentication_failed", 401)["message"]
    assert key not in message and "[api_key]" in message, message


def test_no_part_of_the_key_is_left_when_the_cut_of_the_provider_message_falls_inside_it(client, upstream):
    # The key starts at character 185 of the provider's message, quoted up to 200.
    said = f"Incorrect API key provided: {'.' * 157}{ODD_KEY}. Find your key at https://example.com/keys"
    body = echoed(client, upstream, said)
    assert ODD_KEY[:8] not in json.dumps(body) and "[api_key]" in body["message"], body["message"]


def test_the_key_is_hidden_percent_encoded_in_either_case_and_json_escaped_too(client, upstream):
    encoded = quote(ODD_KEY, safe="")
    forms = [encoded, re.sub("%[0-9A-F]{2}", lambda hex: hex.group().lower(), encoded), json.dumps(ODD_KEY)[1:-1].replace("/", "\\/")]
    message = echoed(client, upstream, f'refused ?key={forms[0]} &k={forms[1]} {{"key":"{forms[2]}"}}')["message"]
    assert not any(form in message for form in forms), message
    assert message.count("[api_key]") == len(forms), message


def test_every_string_of_an_error_answer_is_cleaned_of_every_secret_details_included():
    hide_secrets({"api_key": ODD_KEY, "org_token": "org-s3cret-value"})  # as /initialize does
    details = {"upstream_status": 400, "upstream": {"param": f"key={ODD_KEY}", "seen": [ODD_KEY, 1, None, "org-s3cret-value"]}}
    try:
        body = PluginError("invalid_request", "refused", details=details).body()
    finally:
        hide_secrets({})
    assert body["details"] == {"upstream_status": 400, "upstream": {"param": "key=[api_key]", "seen": ["[api_key]", 1, None, "[org_token]"]}}


def test_hanging_upstream_is_timeout(client, upstream):
    client.post("/initialize", json=valid_config(upstream.url, timeout=1))
    upstream.fault = "hang"
    started = time.monotonic()
    assert assert_error(client.post("/chat/completions", json=HELLO), "timeout", 504)["transient"] is True
    # The configured timeout (1 s) bounds the wait, not some default far above it.
    assert time.monotonic() - started < 3
