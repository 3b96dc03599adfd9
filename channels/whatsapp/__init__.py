"""WhatsApp through Twilio: signed webhooks in, REST `messages.create` out."""

from channels.whatsapp.translate import NAME

__all__ = ["NAME"]
