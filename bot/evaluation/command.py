"""`caseloop eval`: its arguments, and running it from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.evaluation.trial import Model

DEFAULT_TRIALS = 4
DEFAULT_JOBS = 4
DEFAULT_REPLAY_DAYS = 7
DEFAULT_REPLAY_LIMIT = 50


def add_eval_command(commands: argparse._SubParsersAction) -> None:
    """Register `caseloop eval` and its options."""
    evaluate = commands.add_parser(
        "eval", help="run customer scenarios K times against a model and policy (pass^k)")
    evaluate.add_argument("paths", nargs="*", type=Path,
                          help="scenario files or folders (default: the bundled suite)")
    evaluate.add_argument("--model", help="offline or openai:<name> (default: CASELOOP_MODEL, "
                          "else as caseloop serve would choose)")
    evaluate.add_argument("--trials", type=int, default=DEFAULT_TRIALS, metavar="K",
                          help=f"trials per scenario (default {DEFAULT_TRIALS})")
    evaluate.add_argument("--policy", type=Path, metavar="FILE",
                          help="policy file (default: CASELOOP_POLICY or the bundled one)")
    evaluate.add_argument("--jobs", type=int, default=DEFAULT_JOBS,
                          help=f"trials run at once (default {DEFAULT_JOBS})")
    evaluate.add_argument("--min-pass", type=float, metavar="SHARE",
                          help="exit 1 when pass^K is below this share (0 to 1)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML")
    evaluate.add_argument("--replay", action="store_true",
                          help="replay real conversations from the database instead, and show "
                          "where the model and policy would have acted differently")
    evaluate.add_argument("--since", type=date.fromisoformat, metavar="DATE",
                          help=f"replay conversations since this day (default: "
                          f"{DEFAULT_REPLAY_DAYS} days ago)")
    evaluate.add_argument("--limit", type=int, default=DEFAULT_REPLAY_LIMIT, metavar="N",
                          help=f"replay the N latest customers' conversations "
                          f"(default {DEFAULT_REPLAY_LIMIT})")


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    """Run the scenarios and print the results. Exit status: 0, or 1 when `--min-pass` is not
    met or any action was carried out that a scenario did not expect, or 2 for bad input."""
    from bot.evaluation import report
    from bot.evaluation.runner import run_suite
    from bot.evaluation.scenarios import BUNDLED, ScenarioError, load

    try:
        model = _model(settings, args.model)
    except ValueError as problem:
        print(f"caseloop eval: --model {problem}", file=sys.stderr)
        return 2
    if args.replay:
        return asyncio.run(_replay(settings, args, model))
    if args.trials < 1 or args.jobs < 1 or not 0 <= (args.min_pass or 0) <= 1:
        print("caseloop eval: --trials and --jobs are at least 1; --min-pass is between 0 and 1",
              file=sys.stderr)
        return 2
    try:
        scenarios = load(args.paths or [BUNDLED])
    except ScenarioError as problem:
        print(f"caseloop eval: {problem}", file=sys.stderr)
        return 2
    policy = args.policy or settings.policy_file
    if not policy.is_file():
        print(f"caseloop eval: no policy file at {policy}", file=sys.stderr)
        return 2
    logger = logging.getLogger("caseloop")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the trials' own lines are noise here
    try:
        summary = asyncio.run(run_suite(scenarios, model=model, trials=args.trials,
                                        policy=policy, jobs=args.jobs,
                                        progress=sys.stderr.isatty()))
    finally:
        logger.setLevel(level)
    print(report.dumps(summary) if args.json else report.table(summary))
    if args.junit is not None:
        report.write_junit(summary, args.junit)
    if summary.wrong_actions:
        print(f"caseloop eval: {summary.wrong_actions} action(s) carried out that no scenario "
              "expected", file=sys.stderr)
        return 1
    if args.min_pass is not None and summary.pass_k < args.min_pass:
        print(f"caseloop eval: pass^{summary.k} {summary.pass_k:.3f} is below --min-pass "
              f"{args.min_pass}", file=sys.stderr)
        return 1
    return 0


def _model(settings: Settings, choice: str | None) -> Model:
    """The model to evaluate: `--model` when given, else the one `caseloop serve` would use."""
    from bot import setting_values
    from bot.evaluation.trial import Model

    name = (setting_values.model_choice(choice) or "offline") if choice else settings.model_name
    return Model(name, settings.openai_api_key, settings.openai_base_url)


async def _replay(settings: Settings, args: argparse.Namespace, model: Model) -> int:
    from bot.business.opening import open_backend
    from bot.evaluation.replay import conversations, replay
    from bot.storage.database import Database

    since = args.since or date.today() - timedelta(days=DEFAULT_REPLAY_DAYS)
    database = await Database.open(settings.database_url)
    try:
        store = await open_backend(settings, database)
        talks = await conversations(database, since.isoformat(), max(1, args.limit))
        results = [await replay(talk, store, model, args.policy or settings.policy_file)
                   for talk in talks]
    finally:
        await database.close()
    rows = [result.as_json() for result in results]
    different = sum(bool(r.differences or r.error) for r in results)
    if args.json:
        print(json.dumps({"model": model.name, "since": since.isoformat(), "replayed": len(rows),
                          "different": different, "conversations": rows}, indent=2))
        return 0
    for row in rows:
        verdict = "failed: " + row["error"] if row["error"] else \
            "different" if row["differences"] else "the same"
        print(f"{row['customer_id']}  {row['from'][:16].replace('T', ' ')}  "
              f"{row['messages']} messages  {verdict}")
        print("".join(f"    {line}\n" for line in row["differences"]), end="")
    print(f"{len(rows)} conversations since {since} replayed on {model.name}: "
          f"{len(rows) - different} the same, {different} different")
    return 0
