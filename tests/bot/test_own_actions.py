"""An action only the business declares, mapped to an operation of its own OpenAPI document,
works with no code of its own, and so does a kind of case of its own (its `case_type`); a
declaration with a mistake stops the start."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.assembly import assemble
from bot.cli import main
from bot.outreach.playbooks import PlaybookError
from graph.declarations.loading import DeclarationError
from graph.policy import PolicyError
from tests.backend.conftest import TOKEN, contract_shop
from tests.bot.web.test_console_routes import console_client
from tests.conftest import Customer, verify
from tests.factories import WARRANTY_ACTION, make_settings
from tests.fakes.backend_server import ReferenceBackend
from tests.fakes.capture import CaptureChannel
from tests.fakes.openai import FakeOpenAI, text, tool_call
from tests.fakes.smtp import SmtpSink

ACTIONS = WARRANTY_ACTION
DOCUMENT = '''
openapi: 3.1.0
info: {title: A shop's own backend, version: '1'}
paths:
  /orders/{order_id}/warranty:
    post: {operationId: extendWarranty, responses: {'200': {description: Extended.}}}
'''
POLICY = '[[rule]]\nname = "warranty-auto"\naction = "extend_warranty"\ndecision = "auto"\n'
WARRANTY_CASES = ACTIONS.replace('applies_to = "order"',
                                 'applies_to = "order"\ncase_type = "warranty"')
"""The same action, opening cases of a kind of its own."""
ASKED = "can I get a longer warranty on the lamp?"
DONE = ("Done: I've extended the warranty of order Q5521; it now runs until 2028-12-01. Your "
        "reference is W-1.")


class Warranties:
    """The business's own write: it extends an order's warranty once per Idempotency-Key."""

    def __init__(self) -> None:
        self.server = ReferenceBackend(contract_shop(), token=TOKEN, routes=[
            Route("/orders/{order_id}/warranty", self.extend, methods=["POST"])])
        self.calls: list[str] = []

    async def extend(self, request: Request) -> JSONResponse:
        key = request.headers.get("Idempotency-Key", "")
        order = self.server.orders[request.path_params["order_id"]]
        if key not in self.calls:
            self.calls.append(key)
            order["warranty"] = {"until": "2028-12-01"}
        return JSONResponse({"reference": f"W-{len(self.calls)}",
                             "detail": {"until": order["warranty"]["until"]}})


@pytest.fixture
def warranties() -> Iterator[Warranties]:
    shop = Warranties()
    shop.server.start()
    yield shop
    shop.server.stop()


def _files(folder: Path, actions: str = ACTIONS, policy: str = POLICY) -> dict[str, str]:
    for name, content in (("actions.toml", actions), ("backend.yaml", DOCUMENT),
                          ("policy.toml", policy)):
        (folder / name).write_text(content)
    return {"CASELOOP_ACTIONS": str(folder / "actions.toml"),
            "CASELOOP_BACKEND_OPENAPI": str(folder / "backend.yaml"),
            "CASELOOP_POLICY": str(folder / "policy.toml")}


def _settings(folder: Path, server: ReferenceBackend, **more: str):  # type: ignore[no-untyped-def]
    return make_settings(folder, CASELOOP_BACKEND="http", CASELOOP_BACKEND_URL=server.url,
                         CASELOOP_BACKEND_TOKEN=TOKEN, **more)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    def relay(body: dict) -> dict:
        last = body["messages"][-1]
        return text(json.loads(last["content"]).get("message") or "ok"
                    if last["role"] == "tool" else "How can I help?")
    fake = FakeOpenAI(answer_with=relay)
    fake.start()
    yield fake
    fake.stop()


@asynccontextmanager
async def _noor_on(tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI,
                   warranties: Warranties, actions: str = ACTIONS,
                   policy: str = POLICY) -> AsyncIterator[Customer]:
    """Noor, verified, writing to a Caseloop started on these declarations and policy."""
    channel = CaptureChannel()
    app = await assemble(_settings(
        tmp_path, warranties.server, CASELOOP_SMTP_URL=smtp.url, CASELOOP_MODEL="openai:gpt-test",
        OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.base_url,
        **_files(tmp_path, actions, policy)), extra_channels=[channel])
    try:
        customer = Customer(app, channel, "noor")
        await verify(customer, smtp, "noor.haddad@example.org")
        yield customer
    finally:
        await app.close()


@pytest.fixture
async def noor(tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI,
               warranties: Warranties) -> AsyncIterator[Customer]:
    async with _noor_on(tmp_path, smtp, fake_openai, warranties) as customer:
        yield customer


async def test_a_declared_action_of_its_own_is_proposed_done_once_and_read_back(
        noor: Customer, fake_openai: FakeOpenAI, warranties: Warranties) -> None:
    fake_openai.answers.append(tool_call("extend_warranty", order_id="Q5521"))
    ask = await noor.say("can I get a longer warranty on the lamp?")
    assert ask[0] == ("Just to confirm: I'll extend the warranty of order Q5521 by a year. "
                      "Shall I go ahead? (yes / no)")
    done = await noor.say("yes")
    assert done[0] == ("Done: I've extended the warranty of order Q5521; it now runs until "
                       "2028-12-01. Your reference is W-1.")
    assert len(warranties.calls) == 1
    assert warranties.server.orders["Q5521"]["warranty"] == {"until": "2028-12-01"}
    tools = [tool["function"]["name"] for tool in fake_openai.requests[0]["body"]["tools"]]
    assert "extend_warranty" in tools and "refund" not in tools

    fake_openai.answers.append(tool_call("extend_warranty", order_id="Q5530"))
    said = await noor.say("and the bookshelf?")
    assert "Order Q5530 hasn't arrived yet; its warranty starts on delivery." in said[0]
    assert len(warranties.calls) == 1


async def test_a_case_type_of_its_own_opens_its_cases_and_shows_in_kpis_and_autonomy(
        tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI, warranties: Warranties,
        monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    async with _noor_on(tmp_path, smtp, fake_openai, warranties, WARRANTY_CASES) as noor:
        app = noor.caseloop
        fake_openai.answers.append(tool_call("extend_warranty", order_id="Q5521"))
        await noor.say(ASKED)
        assert await noor.say("yes") == [DONE]
        [case] = await app.cases.all()
        assert (case.reason, case.order_id, case.resolution) == ("warranty", "Q5521", "done")
        async with console_client(app) as lead:
            await lead.sign_in("Lead")
            kpis = await lead.page("/console/kpis")
            assert "By reason Reason Cases" in kpis.text and "Warranty 1 " in kpis.text
            autonomy = await lead.page("/console/autonomy")
            assert "Warranty autonomous" in autonomy.text
            assert "/console/autonomy/warranty" in autonomy.forms
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("CASELOOP_ACTIONS", str(app.settings.actions_file))
    monkeypatch.setenv("CASELOOP_POLICY", str(app.settings.policy_file))
    assert await asyncio.to_thread(main, ["autonomy"]) == 0  # `caseloop autonomy`, as run
    rows = [line.split()[:2] for line in capsys.readouterr().out.splitlines()[3:]]
    assert rows == [["order_status", "autonomous"], ["warranty", "autonomous"],
                    ["other", "autonomous"], ["policy_question", "autonomous"]]
    assert await asyncio.to_thread(main, ["autonomy", "shadow", "warranty"]) == 0
    assert capsys.readouterr().out.startswith("warranty is now shadow")


async def test_the_policy_file_puts_a_case_type_of_its_own_in_shadow(
        tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI,
        warranties: Warranties) -> None:
    shadow = POLICY + '\n[autonomy]\nwarranty = "shadow"\n'
    async with _noor_on(tmp_path, smtp, fake_openai, warranties, WARRANTY_CASES,
                        shadow) as noor:
        app = noor.caseloop
        await app.desk.approvers.accounts.add("amira", approver=True)
        fake_openai.answers.append(tool_call("extend_warranty", order_id="Q5521"))
        [holding] = await noor.say(ASKED)
        assert "colleague is checking" in holding and warranties.calls == []
        await app.desk.drain()
        [case] = await app.desk.open_cases()
        [draft] = case.waiting_drafts
        assert (case.reason, draft.case_type, draft.action) == (
            "shadow", "warranty", "extend_warranty")
        assert (await app.desk.shadow.send(draft.id, "console:amira")).status == "sent"
        assert len(warranties.calls) == 1
        assert noor.channel.texts_for("noor")[-1] == DONE  # the values the backend gave


@pytest.mark.parametrize(("actions", "policy", "error", "complaint"), [
    (ACTIONS.replace('field = "warranty.until"', 'field = "warranty until"'), POLICY,
     DeclarationError, "action extend_warranty: verify.field: expected a dotted path"),
    (ACTIONS.replace("extendWarranty", "extendGuarantee"), POLICY, DeclarationError,
     "action extend_warranty: operation: 'extendGuarantee' is not a write operation"),
    (ACTIONS, POLICY.replace("extend_warranty", "refund"), PolicyError,
     "action must be one of the declared actions (extend_warranty)"),
    (ACTIONS.replace('applies_to = "order"', 'applies_to = "order"\ncase_type = "Warranty!"'),
     POLICY, DeclarationError, "action extend_warranty: case_type: expected a name of "
     "lower-case letters, digits and _ (at most 40, starting with a letter)"),
    (ACTIONS.replace('applies_to = "order"', f'applies_to = "order"\ncase_type = "{"w" * 500}"'),
     POLICY, DeclarationError, "action extend_warranty: case_type: expected a name"),
    (ACTIONS, POLICY + '[autonomy]\nwarranty = "shadow"\n', PolicyError,
     "autonomy.warranty: unknown case type (one of order_status, other, policy_question)"),
])
async def test_a_mistake_in_the_declarations_stops_the_start_and_says_where(
        tmp_path: Path, warranties: Warranties, actions: str, policy: str,
        error: type[Exception], complaint: str) -> None:
    with pytest.raises(error) as raised:
        await assemble(_settings(tmp_path, warranties.server,
                                 **_files(tmp_path, actions, policy)))
    assert complaint in str(raised.value)


@pytest.mark.parametrize(("actions", "reason", "complaint"), [
    (WARRANTY_CASES, "warranty", None),
    (ACTIONS, "refund", "playbook 'cover_ending': reason must be one of order_status, other, "
     "delay, payment"),
])
async def test_a_playbook_may_give_a_declared_case_type_as_its_reason(
        tmp_path: Path, warranties: Warranties, actions: str, reason: str,
        complaint: str | None) -> None:
    playbooks = tmp_path / "playbooks.toml"
    playbooks.write_text(f"[cover_ending]\nreason = \"{reason}\"\nmessage = \"Hi {{name}}\"\n")
    settings = _settings(tmp_path, warranties.server, CASELOOP_PLAYBOOKS=str(playbooks),
                         **_files(tmp_path, actions))
    if complaint is None:
        await (await assemble(settings)).close()
        return
    with pytest.raises(PlaybookError) as raised:
        await assemble(settings)
    assert str(raised.value).startswith(str(playbooks)) and complaint in str(raised.value)
