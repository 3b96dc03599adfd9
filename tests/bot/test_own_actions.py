"""An action only the business declares, mapped to an operation of its own OpenAPI document,
works with no code of its own; a declaration with a mistake stops the start."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.assembly import assemble
from graph.declarations.loading import DeclarationError
from graph.policy import PolicyError
from tests.backend.conftest import TOKEN, contract_shop
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


@pytest.fixture
async def noor(tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI,
               warranties: Warranties) -> AsyncIterator[Customer]:
    channel = CaptureChannel()
    app = await assemble(_settings(
        tmp_path, warranties.server, CASELOOP_SMTP_URL=smtp.url, CASELOOP_MODEL="openai:gpt-test",
        OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.base_url, **_files(tmp_path)),
        extra_channels=[channel])
    customer = Customer(app, channel, "noor")
    await verify(customer, smtp, "noor.haddad@example.org")
    yield customer
    await app.close()


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


@pytest.mark.parametrize(("actions", "policy", "error", "complaint"), [
    (ACTIONS.replace('field = "warranty.until"', 'field = "warranty until"'), POLICY,
     DeclarationError, "action extend_warranty: verify.field: expected a dotted path"),
    (ACTIONS.replace("extendWarranty", "extendGuarantee"), POLICY, DeclarationError,
     "action extend_warranty: operation: 'extendGuarantee' is not a write operation"),
    (ACTIONS, POLICY.replace("extend_warranty", "refund"), PolicyError,
     "action must be one of the declared actions (extend_warranty)"),
])
async def test_a_mistake_in_the_declarations_stops_the_start_and_says_where(
        tmp_path: Path, warranties: Warranties, actions: str, policy: str,
        error: type[Exception], complaint: str) -> None:
    with pytest.raises(error) as raised:
        await assemble(_settings(tmp_path, warranties.server,
                                 **_files(tmp_path, actions, policy)))
    assert complaint in str(raised.value)
