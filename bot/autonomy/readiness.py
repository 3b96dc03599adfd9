"""Readiness for autonomy: how each case type's drafts fared with people over a window, and
whether it has earned handling its cases on its own.

A case type is ready when at least `min_drafts` of its drafts in the window were sent as they
were, at a rate of at least `min_rate` of the drafts people decided on (sent, edited or
rejected; drafts still pending do not count), and none was rejected as `wrong policy` or
`bad action suggestion`. Readiness only recommends: promoting a case type stays a deliberate
act (the console's button, `caseloop autonomy promote`, or the policy file).

The figures are SQL aggregates over the drafts created in the window; only the median reads
rows, and then just the two timestamps of each draft released in the window.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.autonomy.levels import AutonomyLevels
from bot.desk.drafts import RELEASED
from bot.storage.database import Database, isoformat, utcnow

BLOCKING_LABELS = ("wrong policy", "bad action suggestion")
"""A rejection with one of these labels in the window keeps a case type in shadow."""
READY = "ready for autonomy"
AUTONOMOUS = "autonomous"


@dataclass(frozen=True)
class CaseTypeReadiness:
    """One case type's drafts over the window, and what they recommend."""

    case_type: str
    level: str
    """The level now (`shadow` or `autonomous`)."""
    drafts: int
    """Drafts created in the window."""
    sent_unchanged: int
    edited: int
    rejected: dict[str, int]
    """Rejected drafts by label."""
    pending: int
    median_release_seconds: float | None
    """Median time from a draft's creation to its release, over sent and edited drafts."""
    unchanged_rate: float | None
    """sent_unchanged / (sent + edited + rejected); None before any was decided."""
    ready: bool
    """Whether the window's figures meet the bar (whatever the level now)."""
    recommendation: str
    """`ready for autonomy`, `not ready: <why>`, or `autonomous` when already autonomous."""


async def readiness(database: Database, levels: AutonomyLevels, *, days: float = 30,
                    min_drafts: int = 50, min_rate: float = 0.95,
                    now: datetime | None = None) -> list[CaseTypeReadiness]:
    """Each case type's readiness over the last `days`, in the order of `levels.case_types`.

    Raises:
        ValueError: `days` is not above 0, `min_drafts` is below 1 or `min_rate` is not
            between 0 and 1.
    """
    if not days > 0 or min_drafts < 1 or not 0 <= min_rate <= 1:
        raise ValueError("days must be above 0, min_drafts at least 1 and min_rate between "
                         "0 and 1")
    since = isoformat((now or utcnow()) - timedelta(days=days))
    counts = await _counts(database, since)
    found = []
    for case_type in levels.case_types:
        by_status = counts.get(case_type, {})
        rejected = {str(label): n for (status, label), n in sorted(by_status.items())
                    if status == "rejected"}
        sent = by_status.get(("sent", None), 0)
        edited = by_status.get(("edited", None), 0)
        decided = sent + edited + sum(rejected.values())
        rate = sent / decided if decided else None
        level = await levels.level(case_type)
        why = _not_ready(sent, rate, rejected, min_drafts, min_rate, days)
        recommendation = (AUTONOMOUS if level == "autonomous"
                          else f"not ready: {why}" if why else READY)
        found.append(CaseTypeReadiness(
            case_type=case_type, level=level, drafts=sum(by_status.values()),
            sent_unchanged=sent, edited=edited, rejected=rejected,
            pending=by_status.get(("pending", None), 0),
            median_release_seconds=await _median_release(database, case_type, since),
            unchanged_rate=rate, ready=not why, recommendation=recommendation))
    return found


def _not_ready(sent: int, rate: float | None, rejected: dict[str, int], min_drafts: int,
               min_rate: float, days: float) -> str:
    """Why the figures fall short, or "" when they meet the bar."""
    if rate is None:
        return f"no drafts decided in the last {days:g} days"
    reasons = [f"{rejected[label]} rejected as {label}" for label in BLOCKING_LABELS
               if rejected.get(label)]
    if sent < min_drafts:
        reasons.append(f"{sent} of {min_drafts} drafts sent unchanged")
    if rate is not None and rate < min_rate:
        reasons.append(f"{percent(rate)} sent unchanged, below {percent(min_rate)}")
    return "; ".join(reasons)


async def _counts(database: Database, since: str) -> dict[str, dict[tuple[str, str | None], int]]:
    """Drafts created since `since`: case type → (status, label for rejections) → count."""
    rows = await database.fetchall(
        "SELECT case_type, status, label, COUNT(*) AS n FROM drafts WHERE created_at >= ? "
        "GROUP BY case_type, status, label", (since,))
    counts: dict[str, dict[tuple[str, str | None], int]] = {}
    for row in rows:
        label = (row["label"] or "unlabelled") if row["status"] == "rejected" else None
        by_status = counts.setdefault(row["case_type"], {})
        key = (row["status"], label)
        by_status[key] = by_status.get(key, 0) + int(row["n"])
    return counts


async def _median_release(database: Database, case_type: str, since: str) -> float | None:
    rows = await database.fetchall(
        "SELECT created_at, decided_at FROM drafts WHERE case_type = ? AND created_at >= ? "
        f"AND status IN ({', '.join('?' for _ in RELEASED)}) AND decided_at IS NOT NULL",
        (case_type, since, *RELEASED))
    seconds = [(datetime.fromisoformat(row["decided_at"])
                - datetime.fromisoformat(row["created_at"])).total_seconds() for row in rows]
    return statistics.median(seconds) if seconds else None


def percent(share: float) -> str:
    """A share as people read it: `95 %`, `90.9 %`."""
    return f"{share * 100:.1f} %".replace(".0 %", " %")
