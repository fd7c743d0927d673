"""The upstream the tests talk to: an OpenAI-compatible server (tests/fake_openai.py) with
this file's wire, and what the tests need to know about it.

An API that extends openai (azure-openai) replaces only this file: fake_openai.py and
test_chat.py are shared.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional
from urllib.parse import ParseResult

from tests.fake_openai import Answer, FakeOpenAI

API_KEY = "sk-test-key"
MODELS = ["fake-small", "fake-large"]
# The first model's id, as the tests send it in chat requests.
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, **overrides}


def wrong_key_config(url: str) -> Dict[str, Any]:
    return valid_config(url, api_key="wrong")


# What test_chat needs to know about this upstream's wire: the fault that is a content
# filter, and where and how a chat request was sent.
CONTENT_FILTER_FAULT = 422


def assert_sent_upstream(seen: Dict[str, Any]) -> None:
    assert seen["path"] == "/chat/completions" and seen["query"] == {}
    assert seen["headers"]["Authorization"] == f"Bearer {API_KEY}"


class FakeUpstream(FakeOpenAI):
    models = MODELS
    unauthorised = {"error": {"message": "bad key", "code": "invalid_api_key"}}
    unknown_model = {"error": {"message": "unknown model", "code": "model_not_found"}}

    def authorised(self, headers: Mapping[str, str]) -> bool:
        return headers.get("Authorization") == f"Bearer {API_KEY}"

    def answer(self, method: str, url: ParseResult) -> Optional[Answer]:
        if method == "GET" and url.path == "/models":
            return 200, {"object": "list", "data": [{"id": m, "object": "model"} for m in MODELS]}
        return None

    def error_body(self, status: int) -> Any:
        return {"error": {"message": f"fault {status}", "code": "fault"}}

    def model_of(self, url: ParseResult, body: Dict[str, Any]) -> Optional[str]:
        return body.get("model")
