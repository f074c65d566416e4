"""A small client of the platform's REST API (``/api/v1/``)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import requests

DEFAULT_ENDPOINT = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The server refused a request, or could not be reached; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message
        self.body = body


class Client:
    """Talks to a PLynx server.

    ``endpoint`` defaults to ``$PLYNX_ENDPOINT`` or http://127.0.0.1:8000. Credentials: a refresh
    token (``token`` or ``$PLYNX_TOKEN``), or ``username`` and ``password``; none at all works with
    a single-user server, which acts as its default user.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 60,
    ) -> None:
        self.endpoint = (endpoint or os.environ.get("PLYNX_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self._refresh = token or os.environ.get("PLYNX_TOKEN")
        self._access: str | None = None
        if username is not None:
            tokens = self._call("POST", "/auth/token/", json={"username": username, "password": password or ""})
            self._refresh, self._access = tokens["refresh"], tokens["access"]

    def _headers(self) -> dict[str, str]:
        if self._refresh and self._access is None:
            self._access = self._call("POST", "/auth/token/refresh/", json={"refresh": self._refresh})["access"]
        return {"Authorization": f"Bearer {self._access}"} if self._access else {}

    def _call(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        url = f"{self.endpoint}/api/v1{path}"
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise _unreachable(self.endpoint, error, self.timeout) from None
        if response.status_code >= 400:
            raise ApiError(response.status_code, *_message(response))
        return response.json() if response.content else None

    @property
    def refresh_token(self) -> str | None:
        """The refresh token the client authenticates with (None: no credentials)."""
        return self._refresh

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """``method`` on ``/api/v1{path}``; the decoded JSON answer. An expired access token is renewed once."""
        try:
            return self._call(method, path, headers=self._headers(), **kwargs)
        except ApiError as error:
            if error.status != 401 or not self._refresh:
                raise
            self._access = None
            return self._call(method, path, headers=self._headers(), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=data, **kwargs)

    def put(self, path: str, data: Any, **kwargs: Any) -> Any:
        return self.request("PUT", path, json=data, **kwargs)

    def download(self, resource_id: str, target: str | os.PathLike[str]) -> Path:
        """Stream resource ``resource_id`` into the file ``target`` (replaced if it exists); return its path."""
        url = f"{self.endpoint}/api/v1/resources/{resource_id}/download/"
        path = Path(target)
        for renewed in (False, True):
            try:
                with self.session.get(url, headers=self._headers(), timeout=self.timeout, stream=True) as response:
                    if response.status_code == 401 and self._refresh and not renewed:
                        self._access = None
                        continue
                    if response.status_code >= 400:
                        raise ApiError(response.status_code, *_message(response))
                    partial = path.with_name(path.name + ".part")
                    with partial.open("wb") as handle:
                        # 1 MiB pieces: few system calls, bounded memory whatever the file's size.
                        for piece in response.iter_content(chunk_size=1 << 20):
                            handle.write(piece)
                    partial.replace(path)
                    return path
            except requests.RequestException as error:
                raise _unreachable(self.endpoint, error, self.timeout) from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _unreachable(endpoint: str, error: requests.RequestException, timeout: float) -> ApiError:
    """No answer from ``endpoint``, said in a few words (the OS's reason when there is one)."""
    if isinstance(error, requests.Timeout):
        reason = f"no answer within {timeout:g} s"
    else:
        errno = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(error))
        reason = errno.group(1).strip() if errno else str(error)
    return ApiError(0, f"cannot reach {endpoint}: {reason}")


def _problems(body: Any) -> list[str]:
    """The messages of a DRF error body: ``field: message`` for each field, nested fields joined by dots."""
    if isinstance(body, dict):
        found = []
        for key, value in body.items():
            for message in _problems(value):
                found.append(message if key == "non_field_errors" else f"{key}: {message}")
        return found
    if isinstance(body, list):
        return [message for item in body for message in _problems(item)]
    return [str(body)]


def _message(response: requests.Response) -> tuple[str, Any]:
    """One readable line for an error answer, and the decoded body (None if it was not JSON)."""
    try:
        body = response.json()
    except ValueError:
        text = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
        return (text[:500] or response.reason or f"HTTP {response.status_code}"), None
    if isinstance(body, dict) and "detail" in body:
        message = str(body["detail"])
        tree = body.get("validation_error")
        if isinstance(tree, dict):
            leaves = _leaves(tree)
            if leaves:
                message = f"{message}: {'; '.join(leaves)}"
        return message, body
    return "; ".join(_problems(body))[:2000], body


def _leaves(tree: dict[str, Any]) -> list[str]:
    children = tree.get("children") or []
    if not children:
        return [str(tree.get("message") or tree.get("validation_code", ""))]
    return [leaf for child in children for leaf in _leaves(child)]
