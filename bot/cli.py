"""The `caseloop` command: serve, migrate, chat, the audit log and KPIs, operator accounts,
evaluating a model and policy on customer scenarios (`caseloop eval`), and each case type's
readiness for autonomy (`caseloop autonomy`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from bot.autonomy.command import add_autonomy_command, run_autonomy
from bot.config import Settings, SettingsError, load_settings
from bot.evaluation.command import add_eval_command, run_eval
from bot.logs.json_logs import install_logging

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bot.desk.operators import Account

log = logging.getLogger("caseloop")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `caseloop` console script."""
    parser = argparse.ArgumentParser(prog="caseloop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web server (web chat at /)")
    serve.add_argument("--host", help="interface to listen on (default: HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")
    commands.add_parser("migrate", help="create or migrate the database schema, then exit")
    commands.add_parser("chat", help="talk to the bot in this terminal")
    audit = commands.add_parser("audit", help="print the audit log (or verify its hash chain)")
    audit.add_argument("check", nargs="?", choices=["verify"],
                       help="verify: check the hash chain and name the first broken record")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    report = commands.add_parser("report", help="print the KPIs, from stored cases and audit")
    report.add_argument("--json", action="store_true", help="one JSON object")
    _add_operator_commands(commands)
    add_eval_command(commands)
    add_autonomy_command(commands)
    telegram = commands.add_parser("telegram", help="Telegram bot set-up")
    telegram_commands = telegram.add_subparsers(dest="telegram_command", required=True)
    telegram_commands.add_parser(
        "set-webhook", help="register CASELOOP_PUBLIC_URL/telegram/webhook with the secret")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except SettingsError as problem:
        print(f"caseloop: {problem}", file=sys.stderr)
        return 2
    serving = args.command == "serve"
    install_logging(settings.log_format if serving else "text",
                    logging.INFO if serving else logging.WARNING)
    if serving:
        return _serve(settings, args.host, args.port)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "chat":
        return asyncio.run(_chat(settings))
    if args.command == "telegram":
        return asyncio.run(_set_telegram_webhook(settings))
    if args.command == "report":
        return asyncio.run(_report(settings, as_json=args.json))
    if args.command == "operators":
        return asyncio.run(_operators(settings, args))
    if args.command == "eval":
        return run_eval(settings, args)
    if args.command == "autonomy":
        return run_autonomy(settings, args)
    if args.check == "verify":
        return asyncio.run(_verify_audit(settings))
    return asyncio.run(_audit(settings, as_json=args.json))


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    # Loading modules allocates much and frees little: the collector's passes over it would
    # cost a tenth of the start. It runs again once they are in (`bot.startup.Startup`).
    gc.disable()
    from bot.web.app import create_app

    app = create_app(settings)
    run_server(app, host or settings.host, port or settings.port,
               shutdown_grace=settings.shutdown_grace)
    return 1 if app.state.startup.failed else 0


def run_server(app: FastAPI, host: str, port: int, log_level: str = "info",
               shutdown_grace: int = 20) -> None:
    """Serve `app` with uvicorn until stopped, as `caseloop serve` does.

    Args:
        shutdown_grace: Seconds from SIGTERM until the process is done: requests in flight
            finish first, turns get what is left (`bot/web/server.py`).
    """
    import uvicorn

    from bot.web.server import GracefulServer

    # What is loaded by now (the libraries, the app) lives as long as the process: keep it out
    # of the collector's full passes, which otherwise walk it all and stall every request in
    # flight for tens of milliseconds each time.
    gc.freeze()
    config = uvicorn.Config(app, host=host, port=port, ws_max_size=131_072, log_level=log_level,
                            log_config=None, proxy_headers=True,
                            timeout_graceful_shutdown=shutdown_grace)
    GracefulServer(config, app, shutdown_grace).run()


async def _migrate(settings: Settings) -> int:
    """Create the schema, or bring it up to date, and stop (a platform's release phase)."""
    from bot.storage.checkpoints import open_checkpointer
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    await database.close()
    if settings.uses_postgres:
        from bot.storage.postgres_checkpoints import open_postgres_checkpointer

        checkpointer = await open_postgres_checkpointer(settings.database_url)
    else:
        checkpointer = await open_checkpointer(settings.checkpoints_path)
    await checkpointer.conn.close()
    print(f"Database schema is up to date: {settings.database_label}")
    return 0


async def _chat(settings: Settings) -> int:
    from bot.assembly import assemble
    from channels.terminal import TerminalChannel, to_inbound

    caseloop = await assemble(settings, extra_channels=[TerminalChannel()])
    print("Caseloop chat. Type a message; Ctrl-D to quit. Verification codes appear in the log.")
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                break
            if line.strip():
                await caseloop.receive(to_inbound(line))
                await caseloop.dispatcher.idle()
                await caseloop.verifier.drain()
    finally:
        await caseloop.close()
    return 0


async def _audit(settings: Settings, as_json: bool) -> int:
    from bot.audit import AuditLog
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    try:
        for record in await AuditLog(database).records():
            if as_json:
                print(json.dumps(record.as_json()))
            else:
                args = ", ".join(f"{k}={v}" for k, v in record.args.items())
                print(f"{record.at}  {record.actor:<8} {record.customer_id or '-':<8} "
                      f"{record.action:<15} {record.outcome:<17} {record.rule or '-'}  {args}")
    finally:
        await database.close()
    return 0


async def _report(settings: Settings, as_json: bool) -> int:
    from bot.audit import AuditLog
    from bot.cases.case_book import CaseBook
    from bot.cases.kpi_export import report_lines
    from bot.cases.kpis import kpi_report
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    try:
        book = CaseBook(database, reasons=())  # the report reads cases; it opens none
        report = await kpi_report(book, AuditLog(database))
    finally:
        await database.close()
    if as_json:
        print(json.dumps(report.as_json()))
    else:
        print("\n".join(report_lines(report)))
    return 0


async def _set_telegram_webhook(settings: Settings) -> int:
    from channels.telegram.webhook import WebhookError, set_webhook

    if not (settings.telegram_bot_token and settings.telegram_webhook_secret
            and settings.public_url):
        print("caseloop: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and CASELOOP_PUBLIC_URL "
              "are needed", file=sys.stderr)
        return 2
    url = f"{settings.public_url}/telegram/webhook"
    try:
        await set_webhook(token=settings.telegram_bot_token, api_url=settings.telegram_api_url,
                          url=url, secret=settings.telegram_webhook_secret)
    except WebhookError as problem:
        print(f"caseloop: {problem}", file=sys.stderr)
        return 1
    print(f"Telegram will deliver updates to {url}")
    return 0


async def _verify_audit(settings: Settings) -> int:
    from bot.audit import AuditLog
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    try:
        broken, count = await AuditLog(database).first_broken()
    finally:
        await database.close()
    if broken is not None:
        print(f"audit chain broken at record {broken} (of {count}): it or the one before it "
              "was changed, removed or inserted")
        return 1
    print(f"audit chain intact: {count} records")
    return 0


def _add_operator_commands(commands: argparse._SubParsersAction) -> None:
    operators = commands.add_parser(
        "operators", help="people's accounts for the console (each signs in by a one-time link)")
    actions = operators.add_subparsers(dest="operators_command", required=True)
    add = actions.add_parser("add", help="create an account and print its one-time sign-in link")
    add.add_argument("name", help="who the audit trail says acted (console:NAME)")
    add.add_argument("--approver", action="store_true", help="may approve and deny requests")
    link = actions.add_parser("link", help="a new one-time sign-in link (ends their session)")
    link.add_argument("name")
    listing = actions.add_parser("list", help="every account (never a link or token)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    revoke = actions.add_parser("revoke", help="end an account: its session and link stop")
    revoke.add_argument("name")


async def _operators(settings: Settings, args: argparse.Namespace) -> int:
    from bot.desk.operators import LINK_HOURS, OperatorError, Operators
    from bot.storage.database import Database

    database = await Database.open(settings.database_url)
    accounts = Operators(database)
    base = settings.public_url or f"http://localhost:{settings.port}"
    try:
        if args.operators_command == "list":
            found = await accounts.accounts()
            lines = ([json.dumps(asdict(account)) for account in found] if args.json
                     else _account_lines(found) if found else ["No operator accounts yet."])
            print("\n".join(lines))
            return 0
        if args.operators_command == "revoke":
            account = await accounts.revoke(args.name)
            print(f"Revoked {account.name}: their session and sign-in link no longer work.")
            return 0
        if args.operators_command == "add":
            account, token = await accounts.add(args.name, approver=args.approver)
            print(f"Added {account.name}" + (", who may approve and deny." if account.approver
                                            else " (not an approver)."))
        else:
            account, token = await accounts.issue_link(args.name)
            print(f"A new sign-in link for {account.name}; their previous link and session "
                  "no longer work.")
        print(f"It signs them in once, within {LINK_HOURS} hours; send it to them only:")
        print(f"{base}/console/sign-in?token={token}")
        return 0
    except OperatorError as refused:
        print(f"caseloop: {refused}", file=sys.stderr)
        return 1
    finally:
        await database.close()


def _account_lines(accounts: list[Account]) -> list[str]:
    rows = [("NAME", "APPROVER", "CREATED", "LAST SIGN-IN", "REVOKED", "UNUSED LINK UNTIL")]
    rows += [(account.name, "yes" if account.approver else "no", _minute(account.created_at),
              _minute(account.signed_in_at), _minute(account.revoked_at),
              _minute(account.link_expires_at)) for account in accounts]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)),
                       row[5]]).rstrip() for row in rows]


def _minute(at: str | None) -> str:
    """A stored timestamp to the minute (`2026-12-03 20:49`), or `-`."""
    return at[:16].replace("T", " ") if at else "-"
