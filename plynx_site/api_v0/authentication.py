"""Authentication of the v0 face: the seed's HTTP basic, where the user name may be a token.

The seed's clients send ``-u <token>:`` (a JSON web token as the user name, no password) as well
as ``-u <username>:<password>``. Here an access token authenticates any request; a refresh token
only asks ``GET token`` for a new access token. Everything else is DRF's basic, session and the
single-user entry.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from apps.users.api.authentication import basic_credentials


class TokenAsUsernameAuthentication(BaseAuthentication):
    """``Authorization: Basic base64(<jwt>:)``: an access token (or, for ``token`` only, a refresh token)."""

    # Views that exchange a refresh token set this on the request before authentication.
    REFRESH_ALLOWED = "_plynx_refresh_allowed"

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        credentials = basic_credentials(request)
        username = credentials[0] if credentials else ""
        if username.count(".") != 2:
            return None
        refresh_allowed = bool(getattr(request._request, self.REFRESH_ALLOWED, False))
        token: Token
        try:
            token = AccessToken(username)  # type: ignore[arg-type]
        except TokenError:
            if not refresh_allowed:
                raise AuthenticationFailed("The token is invalid, expired or not an access token.") from None
            try:
                token = RefreshToken(username)  # type: ignore[arg-type]
            except TokenError:
                raise AuthenticationFailed("The token is invalid or expired.") from None
        # The same checks as a bearer token: the user exists, is active, and the token is not revoked.
        try:
            user = JWTAuthentication().get_user(token)
        except (AuthenticationFailed, InvalidToken):
            raise AuthenticationFailed("The token's user is unknown or inactive, or the token was revoked.") from None
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="PLynx"'
