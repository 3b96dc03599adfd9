"""Autonomy by case type: levels, readiness and the guardrails that stop the line."""
