"""What stops a console request, each shown to people as a page and to scripts as JSON."""

from __future__ import annotations

SIGN_IN_NEEDED = "Sign in to the console."


class Problem(Exception):
    """A request the console cannot carry out: shown as a page, or as JSON to scripts."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class SignInNeeded(Exception):
    """No valid token or session came with the request."""

    def __init__(self, detail: str = SIGN_IN_NEEDED) -> None:
        super().__init__(detail)
        self.detail = detail


class TooManySignIns(Exception):
    """The client's address failed to sign in too often lately and must wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
