"""The HTTP plumbing under upstream.py, the same whichever provider API it speaks: one
pooled session, a request with the configured timeout, transport failures and non-200
answers turned into PluginErrors, JSON bodies read and closed, SSE events written. What differs between provider APIs
(base URL, auth headers, how an error body maps to Loom's codes) is passed in, so
upstream.py keeps only the translation of one API.
"""
from __future__ import annotations

import json
import socket
import ssl
from http.client import RemoteDisconnected
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from .errors import PluginError


class Transport:
    def __init__(
        self,
        base: str,
        timeout: int,
        headers: Dict[str, str],
        error_from_response: Callable[[requests.Response], PluginError],
    ) -> None:
        self.base = base
        # host[:port] only, for messages: the full URL may carry credentials or a key.
        self.host = _host(base) or "the endpoint"
        self.timeout = timeout
        self.error_from_response = error_from_response
        self.session = _AnsweringSession()
        # One pooled connection per serving thread, so concurrent requests reuse sockets.
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(headers)

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, path: str, body: Optional[Dict[str, Any]] = None, stream: bool = False) -> requests.Response:
        """The upstream's 200 answer; anything else is raised as the PluginError it means."""
        try:
            response = self.session.request(
                method,
                self.base + path,
                json=body,
                # (connect, read): the read timeout bounds every wait for upstream bytes.
                timeout=(self.timeout, self.timeout),
                stream=stream,
                # A redirect is answered, not followed: requests drops Authorization on the
                # way to another host but keeps a key header such as x-api-key or api-key.
                allow_redirects=False,
            )
        except requests.Timeout:
            message = f"the provider did not answer within {self.timeout}s; retrying or a larger timeout setting may help"
            raise PluginError("timeout", message) from None
        except requests.RequestException as error:
            raise PluginError("provider_unavailable", unreachable(error, self.host)) from None
        if response.status_code != 200:
            try:
                raise redirected(response, self.base) or self.error_from_response(response)
            finally:
                response.close()
        return response


class _AnsweringSession(requests.Session):
    """A session that never looks for where a redirect points. Even with
    allow_redirects=False, requests works out the next request (for Response.next), and a
    Location it cannot parse (such as http://[::1) raises ValueError out of the request;
    the redirect is answered by `redirected` instead, like any other."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def redirected(response: requests.Response, base: str) -> Optional[PluginError]:
    """A redirect as Loom's error, or None for any other answer. It is answered, not
    followed (the key would go along), so the message says where to point `endpoint`: the
    status and the new scheme and host (the commonest redirect, http to https, keeps the
    host), never the Location's path or query (it may carry a token)."""
    location = response.headers.get("Location")
    if not 300 <= response.status_code <= 399 or not location:
        return None
    return PluginError(
        "invalid_request",
        f"the endpoint redirected ({response.status_code}) to {_where(base, location)}; set the endpoint setting to the final URL"
        " (redirects are not followed, so the API key never goes to another host)",
        details={"upstream_status": response.status_code},
    )


def _where(base: str, location: str) -> str:
    """scheme://host[:port] that a Location points to, or "another address" when it is no
    URL (then it is not repeated: it may be anything). Unlike _host, whose host it uses, it
    resolves the Location against the endpoint and keeps the scheme: an http to https
    redirect keeps the host, so the scheme is what the user has to change."""
    try:
        target = urljoin(base + "/", location)
        scheme = urlsplit(target).scheme
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return "another address"
    host = _host(target)
    return f"{scheme}://{host}" if scheme and host else "another address"


def _host(url: str) -> str:
    """host[:port] of a URL, never its credentials, path or query; "" when it has none or
    is no URL. Messages about the endpoint name it by this alone (_where, for a redirect's
    target, adds the scheme)."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2]
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def unreachable(error: requests.RequestException, host: str) -> str:
    """Why the provider could not be reached, as a sentence the user can act on. It names
    the host only (a full URL may carry a key in its query) and no exception class, which
    says nothing to whoever reads Loom's error."""
    causes = _causes(error)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return f"cannot connect to {host}: connection refused; check the endpoint setting and that the provider is running"
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return f"cannot find the host {host}; check the endpoint setting"
    if any(isinstance(cause, (ssl.SSLError, requests.exceptions.SSLError)) for cause in causes):
        return f"cannot make a secure connection to {host}; check that the endpoint's https or http is right and its certificate is valid"
    if any(isinstance(cause, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, RemoteDisconnected)) for cause in causes):
        return f"the provider at {host} closed the connection before answering; retrying may work"
    if isinstance(error, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)):
        return "the endpoint setting is not a usable URL; check it"
    return f"cannot reach the provider at {host}; check the endpoint setting and the network"


def _causes(error: BaseException) -> List[BaseException]:
    """The error and everything it wraps (requests wraps urllib3, which wraps socket errors)."""
    found: List[BaseException] = []
    pending: List[Any] = [error]
    while pending and len(found) < 20:
        cause = pending.pop()
        if not isinstance(cause, BaseException) or any(cause is seen for seen in found):
            continue
        found.append(cause)
        pending += [cause.__cause__, cause.__context__, getattr(cause, "reason", None), *cause.args]
    return found


def read_json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise PluginError("internal_error", "the provider answered with something that is not JSON") from None
    finally:
        response.close()


def sse_event(payload: Any) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return f"data: {text}\n\n".encode("utf-8")


def stream_failure(error: requests.RequestException, timeout: int) -> PluginError:
    """A connection that stalled or broke after the stream started."""
    timed_out = "timed out" in str(error).lower() or isinstance(error, requests.Timeout)
    if timed_out:
        return PluginError("timeout", f"the provider sent nothing for {timeout}s while streaming the answer; retrying may work")
    return PluginError("provider_unavailable", "the connection to the provider broke while streaming the answer; retrying may work")


def relay_stream(
    response: requests.Response,
    timeout: int,
    translate: Callable[[Dict[str, Any]], Tuple[List[bytes], bool]],
    ended: Callable[[], List[bytes]] = lambda: [],
    ndjson: bool = False,
    done_ends: bool = False,
) -> Iterator[bytes]:
    """An upstream stream retold as Loom's SSE events, always ending in [DONE]. Each record
    (an SSE `data:` payload, or a line when `ndjson`) must be a JSON object; `translate`
    answers (events, over) and raises a PluginError for an error the upstream reports in the
    stream. `ended` answers the events for a stream that closed (or sent [DONE], unless
    `done_ends`: then [DONE] is the provider's own end event) before `translate` said it
    was over, or raises a PluginError when that leaves the answer incomplete. After the stream started, any failure is one error event, then [DONE] (the
    protocol's rule): an unreadable record is internal_error, a stall a timeout, a broken
    connection provider_unavailable."""
    over = False
    try:
        for payload in _records(response, ndjson):
            if payload == b"[DONE]" and not ndjson:
                over = done_ends
                break
            out, over = _translate_record(payload, translate)
            yield from out
            if over:
                break
        if not over:
            yield from ended()
    except PluginError as failure:
        yield sse_event(failure.body())
    except requests.RequestException as error:
        yield sse_event(stream_failure(error, timeout).body())
    finally:
        response.close()
    yield sse_event("[DONE]")


def _records(response: requests.Response, ndjson: bool) -> Iterator[bytes]:
    buffer = b""
    # chunk_size=None yields bytes as they arrive instead of waiting for a full block.
    for piece in response.iter_content(chunk_size=None):
        buffer += piece
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            line = line.strip()
            # SSE: comments, event names (they repeat the data's type) and blank separators carry nothing.
            payload = line if ndjson else line[5:].strip() if line.startswith(b"data:") else b""
            if payload:
                yield payload


def _translate_record(payload: bytes, translate: Callable[[Dict[str, Any]], Tuple[List[bytes], bool]]) -> Tuple[List[bytes], bool]:
    unreadable = PluginError("internal_error", "the provider sent an unreadable stream event")
    try:
        data = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        raise unreadable from None
    if not isinstance(data, dict):
        raise unreadable
    try:
        return translate(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise unreadable from None
