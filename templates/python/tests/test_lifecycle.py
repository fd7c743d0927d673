"""Metadata, initialize (config validation and env fallback), health, cleanup, models."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provider.settings import CONFIG_SCHEMA, METADATA, env_name
from tests.fake_upstream import API_KEY, MODELS, valid_config, wrong_key_config

RFC3339_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def assert_error(response, code, status):
    body = response.get_json()
    assert response.status_code == status, body
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["transient"], bool)
    return body


def assert_plain_message(message):
    """A transport failure's message is a sentence for whoever reads Loom's error: no raw
    socket or library code (ECONNRESET, EOF), no exception class name."""
    assert not re.search(r"UND_ERR|\bE[A-Z_]{2,}\b|[a-z](Error|Exception)\b", message), message


def assert_cut_message(message):
    """A stream the provider ended before its end event, or with an error of its own, is
    told as a sentence the user can act on, about "the provider", not in the template's own
    terms ("upstream")."""
    assert "retrying may work" in message and "upstream" not in message, message


def test_metadata_is_the_manifests(client):
    response = client.get("/metadata")
    assert response.status_code == 200
    manifest = json.loads((Path(__file__).parent.parent / "plugin.json").read_text(encoding="utf-8"))
    assert response.get_json() == manifest["metadata"] == METADATA


def test_calls_before_initialize_are_refused_but_health_answers(client):
    assert_error(client.get("/models"), "provider_unavailable", 503)
    chat = client.post("/chat/completions", json={"model": "fake-small", "messages": [{"role": "user", "content": "hi"}]})
    assert_error(chat, "provider_unavailable", 503)
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json()["healthy"] is False


def test_health_after_initialize(ready):
    body = ready.get("/health").get_json()
    assert body["healthy"] is True
    assert isinstance(body["latency_ms"], int)
    assert RFC3339_WITH_ZONE.match(body["timestamp"]), body["timestamp"]


def _bad_configs():
    """Configs /initialize must refuse, built from the manifest's own fields."""
    good = valid_config("http://127.0.0.1:1")
    cases = [["not", "an", "object"], {**good, "endpoint": "ftp://example.com"}]
    for field in CONFIG_SCHEMA:
        name = field["name"]
        if field.get("required"):
            cases.append({key: value for key, value in good.items() if key != name})
        if field["type"] == "string":
            cases += [{**good, name: 123}, {**good, name: None}]
            if field.get("required"):
                cases.append({**good, name: ""})
        if field["type"] == "int":
            rules = field.get("validation") or {}
            cases += [{**good, name: bad} for bad in ("30", True, 1.5)]
            cases += [{**good, name: rules[key] + step} for key, step in (("min", -1), ("max", 1)) if key in rules]
    return cases


@pytest.mark.parametrize("config", _bad_configs())
def test_bad_config_is_invalid_request(client, config):
    body = assert_error(client.post("/initialize", json=config), "invalid_request", 400)
    assert body["transient"] is False
    assert API_KEY not in body["message"]


def test_initialize_body_that_is_not_json(client):
    response = client.post("/initialize", data="{nope", content_type="application/json")
    assert_error(response, "invalid_request", 400)


def test_empty_initialize_uses_loom_config_env(client, env, upstream):
    if any(field.get("required") for field in CONFIG_SCHEMA):  # else {} alone is a whole config
        assert_error(client.post("/initialize", json={}), "invalid_request", 400)
    env.update({env_name(key): str(value) for key, value in valid_config(upstream.url, timeout=5).items()})
    assert client.post("/initialize", json={}).status_code == 200
    assert client.get("/health").get_json()["healthy"] is True
    assert [m["id"] for m in client.get("/models").get_json()] == MODELS


def test_env_value_of_the_wrong_type_is_refused(client, env, upstream):
    env.update({env_name(key): str(value) for key, value in valid_config(upstream.url, timeout="soon").items()})
    body = assert_error(client.post("/initialize", json={}), "invalid_request", 400)
    assert "LOOM_CONFIG_TIMEOUT" in body["message"]


def test_cleanup_then_initialize_again(ready, upstream):
    assert ready.post("/cleanup").get_json() == {}
    assert ready.get("/health").get_json()["healthy"] is False
    assert_error(ready.get("/models"), "provider_unavailable", 503)
    again = ready.post("/initialize", json=valid_config(upstream.url))
    assert again.status_code == 200
    assert ready.get("/health").get_json()["healthy"] is True
    # initializing twice in a row is harmless too
    assert ready.post("/initialize", json=valid_config(upstream.url)).status_code == 200


def test_models_is_a_bare_array_with_unique_ids(ready):
    response = ready.get("/models")
    assert response.status_code == 200
    models = response.get_json()
    assert isinstance(models, list)
    assert [m["id"] for m in models] == MODELS
    assert all(isinstance(m["name"], str) and m["name"] for m in models)


@pytest.mark.skipif(wrong_key_config is None, reason="this provider API takes no key")
def test_models_with_a_wrong_key_is_authentication_failed(client, upstream):
    client.post("/initialize", json=wrong_key_config(upstream.url))
    assert_error(client.get("/models"), "authentication_failed", 401)


@pytest.mark.parametrize(
    "method,path", [("GET", "/nope"), ("GET", "/chat/completions"), ("DELETE", "/metadata"), ("OPTIONS", "/metadata")]
)
def test_unknown_paths_and_methods_get_json_errors(client, method, path):
    response = client.open(path, method=method)
    assert response.mimetype == "application/json"
    assert_error(response, "invalid_request", 400)
