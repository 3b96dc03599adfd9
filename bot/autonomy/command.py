"""`caseloop autonomy`: each case type's readiness for autonomy, and promoting a case type or
sending it back to shadow mode (audited, as the console's button is)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.autonomy.levels import AutonomyLevels, CaseTypeLevel
    from bot.autonomy.readiness import CaseTypeReadiness
    from bot.storage.database import Database
    from graph.autonomy import AutonomyRules, Level

DEFAULT_DAYS = 30.0
DEFAULT_MIN_DRAFTS = 50
DEFAULT_MIN_RATE = 0.95
ACTOR = "cli"
"""Who the audit log says changed a level from the command line."""
LEVEL_OF: dict[str, Level] = {"promote": "autonomous", "shadow": "shadow"}


def add_autonomy_command(commands: argparse._SubParsersAction) -> None:
    """Register `caseloop autonomy` and its `promote` and `shadow` commands."""
    autonomy = commands.add_parser(
        "autonomy", help="each case type's drafts and readiness for autonomy; promote a case "
        "type or send it back to shadow mode")
    autonomy.add_argument("--days", type=float, default=DEFAULT_DAYS,
                          help=f"the window, in days back from now (default {DEFAULT_DAYS:g})")
    autonomy.add_argument("--min-drafts", type=int, default=DEFAULT_MIN_DRAFTS, metavar="N",
                          help="drafts sent unchanged needed to be ready "
                          f"(default {DEFAULT_MIN_DRAFTS})")
    autonomy.add_argument("--min-rate", type=float, default=DEFAULT_MIN_RATE, metavar="SHARE",
                          help="share of decided drafts sent unchanged needed to be ready, "
                          f"0 to 1 (default {DEFAULT_MIN_RATE})")
    autonomy.add_argument("--json", action="store_true", help="print one JSON object")
    changes = autonomy.add_subparsers(dest="autonomy_command")
    for name, what in (("promote", "let a case type handle its cases on its own"),
                       ("shadow", "send a case type back to drafting for people")):
        change = changes.add_parser(name, help=f"{what} (audited)")
        change.add_argument("case_type", help="a case type as the table lists it: the bot's "
                            "own (order_status, other, policy_question) or a declared action's")
        change.add_argument("--reason", help="why, for the audit log")


def run_autonomy(settings: Settings, args: argparse.Namespace) -> int:
    """Print the readiness table, or change a case type's level. Exit status: 0, or 2 for a
    bad case type, option, declarations or policy file.

    The case types are the deployment's: the bot's own and its declared actions'
    (`CASELOOP_ACTIONS`), as `caseloop serve` has them."""
    from graph.autonomy import case_types
    from graph.declarations.loading import DeclarationError, load_actions
    from graph.policy import Policy, PolicyError

    try:
        actions = load_actions(settings.actions_file)
        kinds = case_types(actions)
        policy = Policy.load(settings.policy_file, actions.dimensions, kinds)
    except (DeclarationError, PolicyError) as error:
        print(f"caseloop autonomy: {error}", file=sys.stderr)
        return 2
    problem = _bad_option(args, kinds)
    if problem:
        print(f"caseloop autonomy: {problem}", file=sys.stderr)
        return 2
    return asyncio.run(_run(settings, kinds, policy.autonomy, args))


def _bad_option(args: argparse.Namespace, kinds: tuple[str, ...]) -> str | None:
    if args.autonomy_command and args.case_type not in kinds:
        return f"unknown case type {args.case_type!r}: one of {', '.join(kinds)}"
    if not args.days > 0:
        return "--days must be above 0"
    if args.min_drafts < 1:
        return "--min-drafts must be at least 1"
    if not 0 <= args.min_rate <= 1:
        return "--min-rate is a share between 0 and 1 (0.95 for 95 %)"
    return None


async def _run(settings: Settings, kinds: tuple[str, ...], rules: AutonomyRules,
               args: argparse.Namespace) -> int:
    from bot.audit import AuditLog
    from bot.autonomy.levels import AutonomyLevels
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    try:
        levels = AutonomyLevels(database, kinds, rules, settings.autonomy, AuditLog(database))
        if args.autonomy_command:
            return await _change(database, levels, args)
        return await _show(database, levels, args)
    finally:
        await database.close()


async def _change(database: Database, levels: AutonomyLevels, args: argparse.Namespace) -> int:
    from bot.autonomy.readiness import readiness

    level = LEVEL_OF[args.autonomy_command]
    [before] = [r for r in await readiness(database, levels, days=args.days,
                                           min_drafts=args.min_drafts, min_rate=args.min_rate)
                if r.case_type == args.case_type]
    if not await levels.set(args.case_type, level, actor=ACTOR, reason=args.reason):
        print(f"{args.case_type} already is {level}.")
        return 0
    print(f"{args.case_type} is now {level}: " + (
        "the bot handles these cases on its own." if level == "autonomous"
        else "the bot drafts, and people release what the customer hears."))
    if level == "autonomous" and not before.ready:
        print(f"Over the last {args.days:g} days it was {before.recommendation}.")
    return 0


async def _show(database: Database, levels: AutonomyLevels, args: argparse.Namespace) -> int:
    from bot.autonomy.readiness import percent, readiness

    found = await readiness(database, levels, days=args.days, min_drafts=args.min_drafts,
                            min_rate=args.min_rate)
    states = await levels.states()
    if args.json:
        print(json.dumps({"days": args.days, "min_drafts": args.min_drafts,
                          "min_rate": args.min_rate,
                          "case_types": [asdict(r) | {"set_by": s.set_by, "reason": s.reason,
                                                      "set_at": s.set_at}
                                         for r, s in zip(found, states, strict=True)]},
                         indent=2))
        return 0
    print(f"Drafts of the last {args.days:g} days. Ready for autonomy: at least "
          f"{args.min_drafts} sent unchanged, at a rate of at least {percent(args.min_rate)}, "
          "none rejected as wrong policy or bad action suggestion.\n")
    print("\n".join(_table(found)))
    changed = [_changed(state) for state in states if state.set_by]
    if changed:
        print("\n" + "\n".join(changed))
    return 0


def _table(found: list[CaseTypeReadiness]) -> list[str]:
    from bot.autonomy.readiness import percent

    rows = [("CASE TYPE", "LEVEL", "DRAFTS", "SENT UNCHANGED", "EDITED", "REJECTED", "PENDING",
             "MEDIAN RELEASE", "RECOMMENDATION")]
    rows += [(r.case_type, r.level, str(r.drafts),
              f"{r.sent_unchanged}" + (f" ({percent(r.unchanged_rate)})"
                                       if r.unchanged_rate is not None else ""),
              str(r.edited),
              ", ".join(f"{label} {n}" for label, n in r.rejected.items()) or "0",
              str(r.pending), _duration(r.median_release_seconds), r.recommendation)
             for r in found]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)),
                       row[-1]]) for row in rows]


def _changed(state: CaseTypeLevel) -> str:
    at = (state.set_at or "")[:16].replace("T", " ")
    why = f": {state.reason}" if state.reason else ""
    return (f"{state.case_type} set {state.level} by {state.set_by} at {at}{why} "
            f"(the configuration says {state.configured})")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}".replace(".0 ", " ")
    return f"{seconds:.0f} s"
