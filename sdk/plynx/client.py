"""A small client of the platform's REST API (``/api/v1/``)."""

from __future__ import annotations

import os
from typing import Any

import requests

DEFAULT_ENDPOINT = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The server refused a request, or could not be reached; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message


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
            raise ApiError(0, f"cannot reach {self.endpoint}: {error}") from None
        if response.status_code >= 400:
            raise ApiError(response.status_code, _message(response))
        return response.json() if response.content else None

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


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason
    if isinstance(body, dict) and "detail" in body and len(body) == 1:
        return str(body["detail"])
    return str(body)[:2000]
