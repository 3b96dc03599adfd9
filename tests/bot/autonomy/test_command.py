"""`caseloop autonomy`: the readiness table, promoting and sending back (audited), and exit
statuses for what cannot be done."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.bot.autonomy.conftest import APPROVER, noor, start
from tests.factories import BUNDLED_CASE_TYPES
from tests.fakes.smtp import SmtpSink


@pytest.fixture
async def one_refund_sent(tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
                          ) -> None:
    """A refund drafted in shadow mode and sent as it was by an approver, in the database the
    command reads."""
    app, channel, _ = await start(tmp_path, smtp, CASELOOP_AUTONOMY="shadow")
    try:
        customer = await noor(app, channel, smtp)
        await customer.say("The desk lamp from order Q5521 arrived cracked, refund please")
        await app.desk.drain()
        [case] = await app.desk.open_cases()
        assert (await app.desk.shadow.send(case.waiting_drafts[0].id, APPROVER)).status == "sent"
    finally:
        await app.close()
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("CASELOOP_DEMO_DATA", str(app.settings.demo_data))
    monkeypatch.setenv("CASELOOP_AUTONOMY", "shadow")


def _lines(capsys: Any) -> list[str]:
    return capsys.readouterr().out.splitlines()


@pytest.mark.usefixtures("one_refund_sent")
def test_the_table_shows_each_case_type_and_what_it_recommends(capsys: Any) -> None:
    assert main(["autonomy"]) == 0
    lines = _lines(capsys)
    assert lines[0].startswith("Drafts of the last 30 days. Ready for autonomy: at least 50 "
                               "sent unchanged, at a rate of at least 95 %")
    header = lines[2].split()
    assert header[:6] == ["CASE", "TYPE", "LEVEL", "DRAFTS", "SENT", "UNCHANGED"]
    rows = {line.split()[0]: line for line in lines[3:3 + len(BUNDLED_CASE_TYPES)]}
    assert list(rows) == ["order_status", "refund", "cancellation", "address_change", "return",
                          "exchange", "reship", "invoice", "goodwill", "other",
                          "policy_question"] == list(BUNDLED_CASE_TYPES)
    assert rows["refund"].split()[:9] == ["refund", "shadow", "1", "1", "(100", "%)", "0",
                                          "0", "0"]
    assert rows["refund"].endswith("not ready: 1 of 50 drafts sent unchanged")
    assert rows["order_status"].endswith("not ready: no drafts decided in the last 30 days")

    assert main(["autonomy", "--min-drafts", "1", "--days", "7"]) == 0
    rows = {line.split()[0]: line for line in _lines(capsys)[3:3 + len(BUNDLED_CASE_TYPES)]}
    assert rows["refund"].endswith("ready for autonomy")


@pytest.mark.usefixtures("one_refund_sent")
def test_json_and_a_promotion_that_is_audited(capsys: Any) -> None:
    assert main(["autonomy", "promote", "refund", "--reason", "a month of clean drafts"]) == 0
    assert _lines(capsys) == [
        "refund is now autonomous: the bot handles these cases on its own.",
        "Over the last 30 days it was not ready: 1 of 50 drafts sent unchanged."]
    assert main(["autonomy", "promote", "refund"]) == 0
    assert _lines(capsys) == ["refund already is autonomous."]

    assert main(["autonomy", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    refund = report["case_types"][1]
    assert refund | {"median_release_seconds": 0} == {
        "case_type": "refund", "level": "autonomous", "drafts": 1, "sent_unchanged": 1,
        "edited": 0, "rejected": {}, "pending": 0, "median_release_seconds": 0,
        "unchanged_rate": 1.0, "ready": False, "recommendation": "autonomous",
        "set_by": "cli", "reason": "a month of clean drafts", "set_at": refund["set_at"]}

    assert main(["autonomy", "shadow", "refund"]) == 0
    assert _lines(capsys) == [
        "refund is now shadow: the bot drafts, and people release what the customer hears."]
    assert main(["audit", "--json"]) == 0
    changes = [record for record in map(json.loads, _lines(capsys))
               if record["action"] == "autonomy_changed"]
    assert [(r["actor"], r["args"], r["outcome"], r["detail"]) for r in changes] == [
        ("cli", {"case_type": "refund", "level": "autonomous"}, "autonomous",
         {"reason": "a month of clean drafts"}),
        ("cli", {"case_type": "refund", "level": "shadow"}, "shadow", {})]


@pytest.mark.usefixtures("one_refund_sent")
def test_the_table_names_who_changed_a_level(capsys: Any) -> None:
    assert main(["autonomy", "promote", "cancellation", "--reason", "trial"]) == 0
    capsys.readouterr()
    assert main(["autonomy"]) == 0
    last = _lines(capsys)[-1]
    assert last.startswith("cancellation set autonomous by cli at ")
    assert last.endswith(": trial (the configuration says shadow)")


@pytest.mark.parametrize(("argv", "message"), [
    (["autonomy", "promote", "refunds"],
     "caseloop autonomy: unknown case type 'refunds': one of order_status, refund, "
     "cancellation, address_change, return, exchange, reship, invoice, goodwill, other, "
     "policy_question"),
    (["autonomy", "--days", "0"], "caseloop autonomy: --days must be above 0"),
    (["autonomy", "--min-drafts", "0"], "caseloop autonomy: --min-drafts must be at least 1"),
    (["autonomy", "--min-rate", "95"],
     "caseloop autonomy: --min-rate is a share between 0 and 1 (0.95 for 95 %)"),
])
def test_a_bad_case_type_or_option_exits_2_and_changes_nothing(argv, message, capsys, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'caseloop.db'}")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err.strip()) == ("", message)
    assert not (tmp_path / "caseloop.db").exists()


def test_an_option_that_is_not_a_number_exits_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["autonomy", "--days", "a week"])
    assert stopped.value.code == 2
    assert "argument --days: invalid float value: 'a week'" in capsys.readouterr().err
