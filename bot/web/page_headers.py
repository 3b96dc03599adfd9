"""Security headers for the chat page and its static files, with embedding allowed where set."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


def chat_headers(frame_ancestors: str) -> dict[str, str]:
    """The headers the chat page and static files carry.

    Args:
        frame_ancestors: Who may show the page in a frame (`CASELOOP_FRAME_ANCESTORS`): CSP
            `frame-ancestors` sources such as `'self' https://shop.example.com`, or `'none'`.
    """
    sources = " ".join(frame_ancestors.split()) or "'none'"
    headers = {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors {sources}"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    # X-Frame-Options for browsers without CSP frame-ancestors; it cannot list other origins.
    if sources == "'none'":
        headers["X-Frame-Options"] = "DENY"
    elif sources == "'self'":
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers


class SecuredStaticFiles(StaticFiles):
    """Static files served with the chat page's security headers."""

    def __init__(self, *, directory: str, headers: dict[str, str]) -> None:
        super().__init__(directory=directory)
        self._headers = headers

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file (or error) response, with the headers added."""
        try:
            response = await super().get_response(path, scope)
        except HTTPException as missing:  # a 404 carries the headers too
            response = PlainTextResponse(str(missing.detail), status_code=missing.status_code)
        response.headers.update(self._headers)
        return response
