"""Storage: Caseloop's tables on SQLite or PostgreSQL, their schema, and the graph's checkpoints."""
