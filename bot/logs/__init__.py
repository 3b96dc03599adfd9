"""The log: JSON lines, redacted, with correlation ids."""
