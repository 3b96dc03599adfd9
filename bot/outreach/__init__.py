"""Outreach: business events to messages, within consent, quiet hours and playbooks."""
