"""The real server, its offline model and the business's own backend: a web chat customer asks
to return an item, confirms, and the declared action goes through the backend contract once,
read back, with the return label's link in the reply and one audit record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.backend.conftest import contract_shop
from tests.fakes.backend_server import ReferenceBackend
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

TOKEN = "e2e-backend-token-7d2a"


@pytest.fixture
def reference() -> Iterator[ReferenceBackend]:
    backend = ReferenceBackend(contract_shop(), token=TOKEN)
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def server_env(server_env: dict[str, str], reference: ReferenceBackend) -> dict[str, str]:
    return {**server_env, "CASELOOP_BACKEND": "http", "CASELOOP_BACKEND_URL": reference.url,
            "CASELOOP_BACKEND_TOKEN": TOKEN}


async def test_a_return_asked_for_in_words_goes_through_the_backend_once(
        server: CaseloopServer, smtp: SmtpSink, reference: ReferenceBackend) -> None:
    chat = await server.connect(server.new_session())
    assert "e-mail" in (await chat.ask("can I return the lamp from Q5521?"))[0]
    await chat.ask("noor.haddad@example.org")
    verified, confirm = await chat.ask(await smtp.code_for("noor.haddad@example.org"), replies=2)
    assert "verified" in verified
    assert "start the return of the Desk lamp from order Q5521 and send you a prepaid " \
           "return label" in confirm
    await chat.send("yes")
    done = (await chat.receive())["text"]
    [entry] = reference.orders["Q5521"]["returns"]
    assert done.startswith("Done: I've started the return of the Desk lamp from order Q5521; "
                           f"your return label is here: {entry['label_url']}.")
    await chat.send("yes")
    assert "Done" not in (await chat.receive())["text"]
    await chat.close()
    [write] = reference.writes()
    assert (write["method"], write["path"], write["status"]) == ("POST", "/orders/Q5521/returns",
                                                                 200)
    audit = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                           env={**os.environ, **server.env}, cwd=server.workdir,
                           capture_output=True, text=True, check=True)
    [record] = [json.loads(line) for line in audit.stdout.splitlines()]
    assert (record["action"], record["args"], record["outcome"], record["rule"]) == (
        "start_return", {"order_id": "Q5521", "sku": "SKU-Q5521"}, "done", "return-auto")
    assert write["idempotency_key"] == "caseloop-" + record["idempotency_key"]
