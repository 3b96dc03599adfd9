"""What the log may not hold: verification codes, tokens, full e-mail addresses, phone numbers."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs.json_logs import JsonFormatter
from bot.logs.log_redaction import RedactSecrets, redact


@pytest.mark.parametrize(("text", "expected"), [
    ("GET /webchat/ws?session=Zq3-x_9&lang=en HTTP/1.1",
     "GET /webchat/ws?session=[redacted]&lang=en HTTP/1.1"),
    ("/console?token=s3cr3t-t0ken", "/console?token=[redacted]"),
    ("callback?code=4/0AbC&state=1", "callback?code=[redacted]&state=1"),
    ("Authorization: Bearer eyJhbGciOi.J9.x-y", "Authorization: Bearer [redacted]"),
    ("authorization: bearer abc123", "authorization: bearer [redacted]"),
    ("POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
     "POST https://api.telegram.org/bot[redacted]/sendMessage"),
    ("slack said no to xoxb-1111-2222-abcdEFGH", "slack said no to [redacted]"),
    ("socket mode with xapp-1-A0B1C2-333-abcdef", "socket mode with [redacted]"),
    ("OPENAI key sk-proj-0123456789abcdefXYZ refused", "OPENAI key [redacted] refused"),
])
def test_tokens_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("my code is 482913", "my code is [code]"),
    ("code: 004217.", "code: [code]."),
    ("(482913)", "([code])"),
])
def test_verification_codes_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "order A100234 shipped", "inbox message 1234567", "Slack ts 1712345678.123456",
    "refund of 123456.00", "error 63016", "127.0.0.1:54321",
])
def test_numbers_that_are_not_codes_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("code sent to noor.haddad@example.org", "code sent to n***@example.org"),
    ("Bart.Okafor+shop@okafor.co.uk wrote", "B***@okafor.co.uk wrote"),
    ("already masked a***@example.com", "already masked a***@example.com"),
    ("two: x@a.io, yy@b.io", "two: x***@a.io, y***@b.io"),
])
def test_email_addresses_keep_only_their_first_letter_and_domain(text: str,
                                                                 expected: str) -> None:
    assert redact(text) == expected


def test_phone_numbers_keep_only_their_last_four_digits() -> None:
    assert redact("visitor:whatsapp:+33612345678") == "visitor:whatsapp:+*******5678"
    assert redact("To whatsapp:+14155238886") == "To whatsapp:+*******8886"


def test_redaction_is_idempotent() -> None:
    text = "session=abc noor@example.org +33612345678 482913 Bearer x"
    once = redact(text)
    assert redact(once) == once


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_redacted_in_its_arguments_and_its_template(json_log) -> None:
    logger, stream = json_log
    logger.info("code %s sent to %s", "482913", "noor.haddad@example.org")
    logger.info("verified with code 482913 at token=abc")
    logger.info("customer %(email)s", {"email": "mei.lin@example.net"})
    assert [line["message"] for line in _lines(stream)] == [
        "code [code] sent to n***@example.org",
        "verified with code [code] at token=[redacted]",
        "customer m***@example.net",
    ]


def test_a_template_holding_a_secret_parameter_still_formats(json_log) -> None:
    logger, stream = json_log
    logger.info("Console: %s/console?token=%s", "https://support.example.com", "Xy7-secret")
    assert _lines(stream)[0]["message"] == (
        "Console: https://support.example.com/console?token=[redacted]")


def test_objects_logged_as_arguments_are_redacted_by_their_text(json_log) -> None:
    logger, stream = json_log
    logger.warning("SMTP refused: %s", ValueError("550 no such user noor.haddad@example.org"))
    logger.info("retry %d of %d after %.1f s", 2, 5, 1.5)
    assert [line["message"] for line in _lines(stream)] == [
        "SMTP refused: 550 no such user n***@example.org", "retry 2 of 5 after 1.5 s"]


def test_tracebacks_are_redacted(json_log) -> None:
    logger, stream = json_log
    try:
        raise RuntimeError("could not verify noor.haddad@example.org with 482913")
    except RuntimeError:
        logger.exception("Turn failed")
    line = _lines(stream)[0]
    assert line["message"] == "Turn failed"
    assert "n***@example.org with [code]" in line["exception"]
    assert "noor.haddad" not in line["exception"] and "482913" not in line["exception"]


def test_server_access_records_keep_their_arguments_for_the_server_formatter() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/webchat/ws?session=abc", "1.1", 200),
                               None)
    RedactSecrets().filter(record)
    assert record.args == ("127.0.0.1:5000", "GET", "/webchat/ws?session=[redacted]", "1.1", 200)


def test_a_record_delivering_a_secret_on_purpose_keeps_it_but_not_the_address(json_log) -> None:
    logger, stream = json_log
    logger.warning("No SMTP configured; verification code for %s is %s", "n***@example.org",
                   "482913", extra={"delivers_secret": True})
    logger.info("Operator console: %s/console?token=%s", "http://localhost:8000", "Xy7-secret",
                extra={"delivers_secret": True})
    logger.info("for %s", "noor.haddad@example.org", extra={"delivers_secret": True})
    assert [line["message"] for line in _lines(stream)] == [
        "No SMTP configured; verification code for n***@example.org is 482913",
        "Operator console: http://localhost:8000/console?token=Xy7-secret",
        "for n***@example.org",
    ]
