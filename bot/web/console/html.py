"""The console's page frame and the small formatters its pages share; every value is escaped."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.autonomy.levels import CaseTypeLevel

REASONS = {
    "approval": "Needs approval",
    "shadow": "Draft to release",
    "asked_for_person": "Asked for a person",
    "frustration": "Frustrated customer",
    "safety": "Safety concern",
    "backend_error": "Backend error",
}
NAVIGATION = (("/console", "Cases"), ("/console/kpis", "KPIs"), ("/console/autonomy", "Autonomy"))
STOPPED = ("{case_type} was put back in shadow mode by a guardrail{on}: {reason}. Its replies "
           "and actions wait for a person until someone promotes it again.")


def e(value: object) -> str:
    """Text made safe to place in HTML, attributes included."""
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, operator: str | None = None, csrf: str = "",
         flash: str | None = None, refresh_seconds: int | None = None,
         live_seconds: int | None = None, stopped: Sequence[CaseTypeLevel] = ()) -> str:
    """A whole console page: header, banner, notice, body.

    The header names the operator, with a sign-out form for a session (one with a `csrf`).
    `refresh_seconds` reloads the whole page that often; `live_seconds` has a small script
    update the page's `#transcript` and `#audit` sections that often instead. `stopped` are
    the case types a guardrail put back in shadow mode: a banner names each.
    """
    refresh = (f'<meta http-equiv="refresh" content="{refresh_seconds}">'
               if refresh_seconds else "")
    account = ""
    if operator is not None:
        links = "".join(f'<a href="{href}">{e(label)}</a>' for href, label in NAVIGATION)
        account = (f'<nav aria-label="Console">{links}</nav>'
                   f'<span class="who">Signed in as <strong>{e(operator)}</strong></span>')
    if operator is not None and csrf:
        account += ('<form method="post" action="/console/logout" class="inline">'
                    f'{hidden("csrf", csrf)}<button type="submit" class="link">Sign out</button>'
                    "</form>")
    notice = f'<p class="flash" role="status">{e(flash)}</p>' if flash else ""
    script, live = "", ""
    if live_seconds:
        script = '<script src="/static/console.js" defer></script>\n'
        live = f' data-live="{live_seconds}"'
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="referrer" content="no-referrer">{refresh}\n'
        f"<title>{e(title)} · Caseloop console</title>\n"
        f'<link rel="stylesheet" href="/static/console.css">\n{script}</head>\n<body>\n'
        '<header class="top"><a class="brand" href="/console">Caseloop console</a>'
        f"{account}</header>\n{_banner(stopped)}{notice}\n<main{live}>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


def hidden(name: str, value: object) -> str:
    """A hidden form field."""
    return f'<input type="hidden" name="{e(name)}" value="{e(value)}">'


def when(iso: str | None, *, seconds: bool = False) -> str:
    """A stored timestamp as people read it: `2026-11-04 15:00 UTC` (or `15:00:07 UTC`)."""
    moment = parse_time(iso)
    shape = "%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC"
    return moment.strftime(shape) if moment else (iso or "")


def age(iso: str | None, now: datetime) -> str:
    """How long ago a stored timestamp was: `just now`, `12 min`, `3 h`, `2 d`."""
    moment = parse_time(iso)
    if moment is None:
        return ""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def parse_time(iso: str | None) -> datetime | None:
    """A stored ISO-8601 timestamp as an aware datetime (None when it cannot be read)."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def args_list(args: dict[str, Any]) -> str:
    """An action's exact arguments as a definition list."""
    items = "".join(f"<dt>{e(name)}</dt><dd><code>{e(_value(value))}</code></dd>"
                    for name, value in args.items())
    return f'<dl class="args">{items}</dl>'


def reason_label(reason: str) -> str:
    """Why a case was escalated, in words."""
    return REASONS.get(reason, reason.replace("_", " ").capitalize())


def case_type_label(case_type: str) -> str:
    """A case type in words: `Address change`."""
    return case_type.replace("_", " ").capitalize()


def speaker(role: str) -> str:
    """Who wrote a transcript line: `Customer`, `Bot`, or the person (`console:ana`)."""
    if role.startswith("agent:"):
        return role.removeprefix("agent:")
    return role.capitalize()


def _banner(stopped: Sequence[CaseTypeLevel]) -> str:
    if not stopped:
        return ""
    items = "".join(f'<li data-case-type="{e(state.case_type)}">{e(_stop(state))}</li>'
                    for state in stopped)
    return (f'<aside class="banner" aria-label="Guardrails"><ul>{items}</ul>'
            '<a href="/console/autonomy">Autonomy by case type</a></aside>\n')


def _stop(state: CaseTypeLevel) -> str:
    return STOPPED.format(case_type=case_type_label(state.case_type),
                          on=f" on {when(state.set_at)}" if state.set_at else "",
                          reason=state.reason or "no reason given")


def _value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
