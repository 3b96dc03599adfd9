"""The built-in operator console: signing in, and the pages people decide cases on."""
