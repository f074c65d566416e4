"""The React app of ``frontend/``: its ``index.html`` for every path the server does not own.

WhiteNoise serves the built files (``frontend/dist``, see ``WHITENOISE_ROOT``); the app routes in
the browser, so a page such as ``/workflows/<id>`` reloaded or opened from a link must answer the
same ``index.html``. Without a build, a short page says how to make one.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

# The app loads its scripts and styles from this origin only and talks only to this origin's API.
# Inline styles are allowed: the canvas and the code editor set element styles at run time.
_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PLynx</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>PLynx</h1>
<p>The web app is not built yet. Build it with Node.js 20.19+ and npm:</p>
<pre>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(<code>make up</code> builds it when npm is available), then restart the web server.</p>
<p>Meanwhile: the <a href="/api/v1/">REST API</a>, its <a href="/api/docs/">documentation</a>
and the <a href="/admin/">administration</a>.</p>
</body></html>
"""


@require_safe
@ensure_csrf_cookie
def frontend_index(request: HttpRequest) -> HttpResponse:
    """The app's ``index.html`` (never cached: it names the current build's hashed files).

    The CSRF cookie is set here so the app can send its token with its first unsafe request.
    """
    index = Path(settings.PLYNX_FRONTEND_DIST) / "index.html"
    try:
        content = index.read_bytes()
    except FileNotFoundError:
        content = _NOT_BUILT.encode()
    response = HttpResponse(content, content_type="text/html; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    response["Content-Security-Policy"] = _CONTENT_SECURITY_POLICY
    return response
