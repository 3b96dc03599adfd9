"""`caseloop eval`: scripted customer scenarios run K times through the real graph, gate, policy
and stores, each trial on a fresh temporary database, scored on the end state (pass^k)."""
