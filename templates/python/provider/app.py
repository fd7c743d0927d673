"""The six Loom plugin endpoints as a Flask app.

Every answer is JSON: success is exactly 200, every error is `{code, message, transient}`
(Flask's own HTML error pages for 404/405/500 are replaced below).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from .errors import PluginError, hide_secrets
from .settings import METADATA, STREAMING, resolve_config, secrets_of
from .upstream import Upstream

log = logging.getLogger({{python_package|json}})


class State:
    """The initialized upstream, swapped atomically by /initialize and /cleanup."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.upstream: Optional[Upstream] = None

    def current(self) -> Upstream:
        upstream = self.upstream
        if upstream is None:
            raise PluginError(
                "provider_unavailable",
                "the plugin is not initialized: POST /initialize first",
                status=503,
            )
        return upstream

    def replace(self, upstream: Optional[Upstream]) -> None:
        with self.lock:
            old, self.upstream = self.upstream, upstream
        if old is not None:
            old.close()


def _error_response(error: PluginError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    for key, value in error.headers.items():
        response.headers[key] = value
    return response


def _json_body() -> Any:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise PluginError("invalid_request", "the request body is not valid JSON") from None


def _check_chat_request(body: Any) -> Dict[str, Any]:
    if not isinstance(body, dict):
        raise PluginError("invalid_request", "the request body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise PluginError("invalid_request", "messages must be a non-empty array")
    if not all(isinstance(message, dict) for message in messages):
        raise PluginError("invalid_request", "every message must be an object")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise PluginError("invalid_request", "model must be a non-empty string")
    return body


def create_app(environ: Optional[Mapping[str, str]] = None) -> Flask:
    """`environ` is where LOOM_CONFIG_* values are read (the process env by default)."""
    import os

    env = os.environ if environ is None else environ
    app = Flask(__name__)
    # Bounds request bodies (images for vision can be large); beyond it: 400 invalid_request.
    app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    state = State()
    app.config["PLUGIN_STATE"] = state

    @app.before_request
    def no_automatic_options() -> None:
        # Flask would answer OPTIONS itself with an empty text/html 200; keep every answer
        # JSON and every method outside the protocol an invalid request.
        if request.method == "OPTIONS":
            raise PluginError("invalid_request", f"method OPTIONS is not allowed on {request.path}")

    @app.get("/metadata")
    def metadata() -> Response:
        return jsonify(METADATA)

    @app.post("/initialize")
    def initialize() -> Response:
        config = resolve_config(_json_body(), env)
        hide_secrets(secrets_of(config))
        state.replace(Upstream(config))  # initializing again replaces the old config
        return jsonify({})

    @app.get("/health")
    def health() -> Response:
        started = time.monotonic()
        initialized = state.upstream is not None
        return jsonify(
            {
                "healthy": initialized,
                "message": "OK" if initialized else "not initialized: POST /initialize first",
                "latency_ms": int((time.monotonic() - started) * 1000),
                # RFC 3339 with a zone: Loom cannot parse a naive timestamp.
                "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "details": {"initialized": initialized},
            }
        )

    @app.get("/models")
    def models() -> Response:
        models = state.current().list_models()
        if not models:
            raise PluginError("provider_unavailable", "the provider lists no models")
        return jsonify(models)

    @app.post("/chat/completions")
    def chat_completions() -> Response:
        body = _check_chat_request(_json_body())
        upstream = state.current()
        if STREAMING and body.get("stream") is True:
            events = upstream.chat_stream(body)
            return Response(events, status=200, mimetype="text/event-stream", headers={"Cache-Control": "no-cache"})
        # Without the streaming capability a stream request still gets one JSON answer,
        # which is what Loom's plugin client expects.
        return jsonify(upstream.chat(body))

    @app.post("/cleanup")
    def cleanup() -> Response:
        state.replace(None)
        return jsonify({})

    @app.errorhandler(PluginError)
    def plugin_error(error: PluginError) -> Response:
        return _error_response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # Unknown paths and wrong methods: the protocol has no 404/405 code for them, so
        # they are invalid requests (400), never Flask's HTML pages.
        if error.code == 404:
            message = f"unknown endpoint {request.method} {request.path}"
        elif error.code == 405:
            message = f"method {request.method} is not allowed on {request.path}"
        else:
            message = error.description or "bad request"
        code = "internal_error" if (error.code or 500) >= 500 else "invalid_request"
        return _error_response(PluginError(code, message))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error in %s %s", request.method, request.path)
        return _error_response(PluginError("internal_error", "the plugin hit an unexpected error"))

    return app
