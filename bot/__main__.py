"""`python -m bot` runs the `caseloop` command."""

from bot.cli import main

raise SystemExit(main())
