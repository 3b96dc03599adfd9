"""A visitor who writes in Spanish is answered in Spanish before and after proving who they are."""

from __future__ import annotations

from tests.fakes.smtp import SmtpSink

NOOR = "noor.haddad@example.org"


async def test_the_request_carried_over_is_answered_in_the_visitors_language(
        customer_at, smtp: SmtpSink) -> None:
    visitor = customer_at("web-es")
    asked = await visitor.say("Hola, ¿dónde está mi pedido Q5544? Lo necesito pronto")
    assert "correo" in " ".join(asked).lower()
    await visitor.say(NOOR)
    replies = await visitor.say(await smtp.code_for(NOOR))
    said = " ".join(replies)
    assert "verificada" in said and "DPD-998877" in said
    assert "verified" not in said


async def test_with_nothing_carried_over_the_welcome_is_in_the_visitors_language(
        customer_at, smtp: SmtpSink) -> None:
    visitor = customer_at("web-es-2")
    await visitor.say(f"Buenas tardes, mi correo es {NOOR}")
    said = " ".join(await visitor.say(await smtp.code_for(NOOR)))
    assert "verificada" in said and "verified" not in said
