"""SMS through Twilio: signed webhooks in, REST `messages.create` out, as plain text."""

from channels.sms.translate import NAME

__all__ = ["NAME"]
