"""Each case type's autonomy now: what the policy file and `CASELOOP_AUTONOMY` configure,
unless a person promoted it since or a guardrail stopped the line.

A change made here (the console's button, a guardrail) is kept with the level the
configuration gave at that time. It holds while the configuration still says the same; once
the policy file (or the setting) says otherwise for that case type, the file wins again, so
editing the file is as deliberate an act as the button. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.audit import AuditLog
from bot.storage.database import Database, isoformat, utcnow
from graph.autonomy import LEVELS, AutonomyRules, Level

CHANGED = "autonomy_changed"
"""The audit log's action for a change of level."""
GUARDRAIL = "guardrail"
"""Who changes a level when a guardrail stops the line: its `set_by` and its audit actor."""


@dataclass(frozen=True)
class CaseTypeLevel:
    """One case type's level, and where it comes from."""

    case_type: str
    level: Level
    configured: Level
    """What the policy file (or `CASELOOP_AUTONOMY`) says."""
    set_by: str | None
    """Who changed it since (`console:<name>`, `guardrail`), or None when configured."""
    reason: str | None
    set_at: str | None


class AutonomyLevels:
    """Reads and changes the autonomy of each case type.

    Args:
        case_types: The deployment's case types (`graph.autonomy.case_types`), in the order
            they are listed.
        rules: The policy file's `[autonomy]` table.
        default: `CASELOOP_AUTONOMY`, for the case types the file does not name.
    """

    def __init__(self, database: Database, case_types: Sequence[str], rules: AutonomyRules,
                 default: Level, audit: AuditLog) -> None:
        self._db = database
        self.case_types: tuple[str, ...] = tuple(case_types)
        """The deployment's case types, in the order they are listed."""
        self._rules = rules
        self._default = default
        self._audit = audit

    def configured(self, case_type: str) -> Level:
        """What the configuration says for a case type."""
        return self._rules.levels.get(case_type, self._default)

    async def level(self, case_type: str) -> Level:
        """The case type's level now (`shadow` or `autonomous`)."""
        return (await self.state(case_type)).level

    async def state(self, case_type: str) -> CaseTypeLevel:
        """The case type's level and where it comes from."""
        row = await self._db.fetchone("SELECT * FROM autonomy WHERE case_type = ?",
                                      (case_type,))
        return self._level(case_type, row)

    async def states(self) -> list[CaseTypeLevel]:
        """Every case type's level, in the order of `case_types` (one query)."""
        rows = {row["case_type"]: row
                for row in await self._db.fetchall("SELECT * FROM autonomy")}
        return [self._level(case_type, rows.get(case_type)) for case_type in self.case_types]

    async def any_in_shadow(self) -> bool:
        """True while any case type runs in shadow mode."""
        return any(state.level == "shadow" for state in await self.states())

    def _level(self, case_type: str, row: Any) -> CaseTypeLevel:
        configured = self.configured(case_type)
        if row is None or row["configured"] != configured or row["level"] not in LEVELS:
            return CaseTypeLevel(case_type, configured, configured, None, None, None)
        return CaseTypeLevel(case_type, row["level"], configured, row["set_by"], row["reason"],
                             row["set_at"])

    async def set(self, case_type: str, level: Level, actor: str, reason: str | None = None,
                  customer_id: str | None = None) -> bool:
        """Change a case type's level (audited); False when it already was at that level."""
        if case_type not in self.case_types or level not in LEVELS:
            raise ValueError(f"unknown case type or level: {case_type} {level}")
        if await self.level(case_type) == level:
            return False
        now = isoformat(utcnow())
        await self._db.execute(
            "INSERT INTO autonomy (case_type, level, configured, set_by, reason, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_type) DO UPDATE SET "
            "level = excluded.level, configured = excluded.configured, "
            "set_by = excluded.set_by, reason = excluded.reason, set_at = excluded.set_at",
            (case_type, level, self.configured(case_type), actor, reason, now))
        await self._audit.record(actor=actor, customer_id=customer_id, action=CHANGED,
                                 args={"case_type": case_type, "level": level}, rule=None,
                                 outcome=level, detail={"reason": reason} if reason else None)
        return True
