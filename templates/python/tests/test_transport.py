"""The HTTP plumbing every adapter shares (provider.transport): transport failures and
broken streams become Loom's codes, and SSE events are written the one way."""
from __future__ import annotations

import socket
import ssl

import pytest
import requests

from provider.errors import PluginError
from provider.transport import Transport, read_json, redirected, sse_event, stream_failure, unreachable
from tests.test_lifecycle import assert_plain_message


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_upstream_is_provider_unavailable():
    transport = Transport(f"http://127.0.0.1:{closed_port()}", 2, {}, lambda response: PluginError("internal_error", "unused"))
    try:
        with pytest.raises(PluginError) as caught:
            transport.send("GET", "/models")
    finally:
        transport.close()
    assert caught.value.code == "provider_unavailable"


@pytest.mark.parametrize(
    "cause,start",
    [
        (socket.gaierror(-2, "Name or service not known"), "cannot find the host api.example:8443;"),
        (ssl.SSLError("WRONG_VERSION_NUMBER"), "cannot make a secure connection to api.example:8443;"),
        (ConnectionResetError(104, "Connection reset by peer"), "the provider at api.example:8443 closed the connection"),
    ],
)
def test_unreachable_says_what_went_wrong_in_words(cause, start):
    # requests wraps urllib3's error, which wraps the socket's, as here.
    message = unreachable(requests.ConnectionError(ValueError("wrapped", cause)), "api.example:8443")
    assert message.startswith(start), message
    assert_plain_message(message)


@pytest.mark.parametrize(
    "error,code",
    [(requests.ReadTimeout("read timed out"), "timeout"), (requests.ConnectionError("Read timed out."), "timeout"), (requests.ConnectionError("reset"), "provider_unavailable")],
)
def test_a_broken_stream_says_whether_it_stalled(error, code):
    assert stream_failure(error, 5).code == code


@pytest.mark.parametrize(
    "endpoint,host",
    [("https://user:pw@api.example:8443/v1?key=k", "api.example:8443"), ("http://[::1/v1", "the endpoint"), ("no-url", "the endpoint")],
)
def test_messages_name_the_endpoint_by_its_host_only(endpoint, host):
    transport = Transport(endpoint, 2, {}, lambda response: PluginError("internal_error", "unused"))
    transport.close()
    assert transport.host == host


@pytest.mark.parametrize(
    "location,where",
    [
        ("https://user:pw@api.example:8443/v1?sig=s", "https://api.example:8443"),
        ("/v2/chat?sig=s", "http://local.example:8080"),
        ("mailto:someone@example.com", "another address"),
        ("http://[::1", "another address"),
    ],
)
def test_a_redirect_is_told_by_the_scheme_and_host_it_points_to(location, where):
    response = requests.Response()
    response.status_code = 307
    response.headers["Location"] = location
    error = redirected(response, "http://user:pw@local.example:8080/v1")
    assert error is not None and f"redirected (307) to {where};" in error.message, error.message


def test_a_body_that_is_not_json_is_an_internal_error():
    response = requests.Response()
    response.status_code = 200
    response._content = b"<html>"
    with pytest.raises(PluginError) as caught:
        read_json(response)
    assert caught.value.code == "internal_error"


def test_sse_events():
    assert sse_event("[DONE]") == b"data: [DONE]\n\n"
    assert sse_event({"a": 1}) == b'data: {"a":1}\n\n'
