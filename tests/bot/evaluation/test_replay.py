"""`caseloop eval --replay`: last week's real conversations typed again against a candidate
policy or model, and where it would have decided differently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.assembly import Caseloop
from bot.cli import main
from tests.conftest import Customer, verify
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

STRICT = """\
[[rule]]
name = "no-refunds-by-the-bot"
action = "refund"
decision = "forbid"
"""


@pytest.fixture
async def last_week(caseloop: tuple[Caseloop, CaptureChannel], smtp: SmtpSink,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A customer who proved who they are and had a lamp refunded, in the database."""
    app, channel = caseloop
    noor = Customer(app, channel, "tab-1")
    await noor.say("the desk lamp in Q5521 arrived broken, refund please")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("yes")
    assert (await app.store.get_order("Q5521")).refunded > 0
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("CASELOOP_DEMO_DATA", str(app.settings.demo_data))


def _replay(capsys: Any, *extra: str) -> dict[str, Any]:
    assert main(["eval", "--replay", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("last_week")
def test_the_same_model_and_policy_decide_the_same(capsys: Any) -> None:
    report = _replay(capsys)
    assert (report["replayed"], report["different"]) == (1, 0)
    [talk] = report["conversations"]
    assert talk["customer_id"] == "K-77" and talk["original"] == talk["candidate"]
    assert talk["original"][0].startswith("refund Q5521") and talk["messages"] == 2


@pytest.mark.usefixtures("last_week")
def test_a_stricter_policy_shows_the_refund_it_would_have_refused(
        capsys: Any, tmp_path: Path) -> None:
    (tmp_path / "strict.toml").write_text(STRICT)
    report = _replay(capsys, "--policy", str(tmp_path / "strict.toml"))
    [talk] = report["conversations"]
    assert report["different"] == 1
    assert [d[:2] for d in talk["differences"]] == ["- ", "+ "]
    assert talk["differences"][0].startswith("- refund Q5521") and \
        talk["differences"][0].endswith(" done")
    assert talk["differences"][1] == "+ refund Q5521 38.40 refused"
    assert "noor" not in json.dumps(report).lower()
