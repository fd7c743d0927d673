"""The upstream the tests talk to: a fake Azure OpenAI resource, served by openai's
tests/fake_openai.py with Azure's wire, and what the tests need to know about it.

It serves `POST /openai/deployments/{deployment}/chat/completions?api-version=...` for the
deployments in MODELS, wants the `api-key` header, answers Azure's error bodies,
"filtered" as Azure's 400 content_filter, and starts a stream with Azure's filter-only
chunk. openai's test_chat.py runs against it; test_azure.py adds what only Azure does.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional
from urllib.parse import ParseResult, parse_qs

from tests.fake_openai import Answer, FakeOpenAI

API_KEY = "azure-test-key"
MODELS = ["fake-small", "fake-large"]
API_VERSION = "2024-10-21"
# The first model's id, as the tests send it in chat requests.
MODEL = MODELS[0]


def valid_config(url: str, **overrides: Any) -> Dict[str, Any]:
    """An /initialize body that points the plugin at a fake upstream on `url`."""
    return {"api_key": API_KEY, "endpoint": url, "deployment": ",".join(MODELS), **overrides}


# /models is answered from the configured deployments, without a call: a wrong key
# shows on the first chat request (test_chat covers that), not on /models.
wrong_key_config = None


# What openai's test_chat needs to know about this upstream's wire: the fault that is a
# content filter, and where and how a chat request was sent.
CONTENT_FILTER_FAULT = "filtered"


def assert_sent_upstream(seen: Dict[str, Any]) -> None:
    assert seen["path"] == f"/openai/deployments/{MODEL}/chat/completions"
    assert seen["query"] == {"api-version": [API_VERSION]}
    assert seen["headers"]["api-key"] == API_KEY and "Authorization" not in seen["headers"]


FILTERED = {
    "error": {
        "message": "The response was filtered", "type": None, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {"hate": {"filtered": True, "severity": "high"}}},
    }
}


class FakeUpstream(FakeOpenAI):
    models = MODELS
    unauthorised = {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}}
    unknown_model = {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}}
    faults = {"filtered": (400, FILTERED)}
    # Azure's first chunk: no choices, only the prompt's filter results.
    first_chunk = {"id": "", "object": "", "created": 0, "model": "", "choices": [], "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}]}

    def authorised(self, headers: Mapping[str, str]) -> bool:
        return headers.get("api-key") == API_KEY

    def answer(self, method: str, url: ParseResult) -> Optional[Answer]:
        if method == "POST" and not parse_qs(url.query).get("api-version"):
            return 400, {"error": {"code": "BadRequest", "message": "Missing the required query parameter api-version."}}
        return None

    def error_body(self, status: int) -> Any:
        return {"error": {"code": str(status), "message": f"fault {status}"}}

    def model_of(self, url: ParseResult, body: Dict[str, Any]) -> Optional[str]:
        match = re.fullmatch(r"/openai/deployments/([^/]+)/chat/completions", url.path)
        return match.group(1) if match else None
