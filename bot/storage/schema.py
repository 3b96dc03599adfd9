"""Caseloop's own tables, created and migrated in order at start."""

from __future__ import annotations

from bot.storage import schema_shadow

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        message TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        received_at TEXT NOT NULL,
        processed_at TEXT,
        error TEXT,
        UNIQUE (channel, provider_id)
    );
    CREATE INDEX inbox_unfinished ON inbox (status) WHERE status IN ('pending', 'processing');

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        message TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        error TEXT
    );
    CREATE INDEX outbox_waiting ON outbox (channel, recipient) WHERE status = 'pending';

    CREATE TABLE transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        thread_id TEXT NOT NULL,
        role TEXT NOT NULL,
        channel TEXT NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX transcript_thread ON transcript (thread_id, id);

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        customer_id TEXT,
        action TEXT NOT NULL,
        args TEXT NOT NULL,
        rule TEXT,
        outcome TEXT NOT NULL,
        idempotency_key TEXT,
        detail TEXT
    );
    CREATE UNIQUE INDEX audit_once ON audit (idempotency_key, outcome)
        WHERE idempotency_key IS NOT NULL;

    CREATE TABLE links (
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        verified_at TEXT NOT NULL,
        PRIMARY KEY (channel, address)
    );

    CREATE TABLE verifications (
        thread_id TEXT PRIMARY KEY,
        customer_id TEXT,
        code_hash TEXT,
        expires_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    );

    CREATE TABLE webchat_sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );

    CREATE TABLE approvals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        thread_id TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        action TEXT NOT NULL,
        args TEXT NOT NULL,
        rule TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',
        created_at TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT
    );

    CREATE TABLE store_customers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        phone TEXT,
        tier TEXT NOT NULL DEFAULT 'standard',
        extra TEXT NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX store_customers_email ON store_customers (email COLLATE NOCASE);

    CREATE TABLE store_orders (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL REFERENCES store_customers (id),
        status TEXT NOT NULL,
        placed_at TEXT NOT NULL,
        delivered_at TEXT,
        currency TEXT NOT NULL,
        total TEXT NOT NULL,
        refunded TEXT NOT NULL DEFAULT '0.00',
        items TEXT NOT NULL,
        shipping_address TEXT NOT NULL,
        tracking TEXT,
        extra TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX store_orders_customer ON store_orders (customer_id);

    CREATE TABLE store_actions (
        idempotency_key TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        order_id TEXT NOT NULL,
        result TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE links ADD COLUMN method TEXT NOT NULL DEFAULT 'email_code';

    CREATE TABLE deliveries (
        provider_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        outbox_id INTEGER,
        recipient TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT,
        updated_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE audit ADD COLUMN hash TEXT;
    """,
    """
    ALTER TABLE approvals ADD COLUMN description TEXT;
    ALTER TABLE approvals ADD COLUMN done TEXT;
    ALTER TABLE approvals ADD COLUMN digest TEXT;
    ALTER TABLE approvals ADD COLUMN approvers_needed INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE approvals ADD COLUMN approved_by TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE approvals ADD COLUMN reason TEXT;
    ALTER TABLE approvals ADD COLUMN result TEXT;
    ALTER TABLE approvals ADD COLUMN expires_at TEXT;
    ALTER TABLE approvals ADD COLUMN escalation_id INTEGER;

    CREATE TABLE escalations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        thread_id TEXT NOT NULL,
        customer_id TEXT,
        channel TEXT,
        reason TEXT NOT NULL,
        wants TEXT NOT NULL,
        found TEXT NOT NULL,
        why TEXT NOT NULL,
        sentiment TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT 'bot',
        taken_by TEXT,
        status TEXT NOT NULL DEFAULT 'open',
        slack_channel TEXT,
        slack_ts TEXT,
        created_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE UNIQUE INDEX escalations_one_open ON escalations (thread_id) WHERE status = 'open';
    CREATE INDEX escalations_slack ON escalations (slack_channel, slack_ts);

    CREATE TABLE contacts (
        thread_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );

    CREATE TABLE slack_events (
        event_id TEXT PRIMARY KEY,
        at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        order_id TEXT,
        reason TEXT NOT NULL,
        stage TEXT NOT NULL DEFAULT 'intake',
        origin TEXT NOT NULL DEFAULT 'customer',
        channel TEXT,
        event_id TEXT,
        opened_at TEXT NOT NULL,
        resolved_at TEXT,
        closed_at TEXT,
        escalated_at TEXT,
        reopen_count INTEGER NOT NULL DEFAULT 0,
        reopened_at TEXT,
        customer_wrote_at TEXT,
        resolution TEXT,
        action_key TEXT,
        satisfaction INTEGER,
        satisfaction_asked_at TEXT,
        satisfaction_at TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cases_customer ON cases (customer_id, order_id, stage);

    CREATE TABLE case_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id INTEGER NOT NULL REFERENCES cases (id),
        stage TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX case_history_case ON case_history (case_id, id);

    CREATE TABLE timers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        due_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        claimed_until TEXT,
        fired_at TEXT,
        error TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX timers_due ON timers (status, due_at);
    """,
    """
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        order_id TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        detail TEXT,
        customer_id TEXT,
        channel TEXT,
        received_at TEXT NOT NULL,
        processed_at TEXT,
        sent_at TEXT
    );
    CREATE INDEX events_pending ON events (status) WHERE status = 'pending';
    CREATE INDEX events_sent ON events (customer_id, sent_at) WHERE sent_at IS NOT NULL;

    CREATE TABLE consent (
        subject TEXT PRIMARY KEY,
        opted_out INTEGER NOT NULL,
        at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE inbox ADD COLUMN lease_until TEXT;
    CREATE INDEX inbox_sender_unfinished ON inbox (channel, sender, id)
        WHERE status IN ('pending', 'processing');

    CREATE TABLE leases (
        key TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE verification_attempts (
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        thread_id TEXT NOT NULL
    );
    CREATE INDEX verification_attempts_recent ON verification_attempts (subject, kind, at);
    CREATE INDEX verification_attempts_thread ON verification_attempts (thread_id, kind, at);

    CREATE TABLE operators (
        name TEXT PRIMARY KEY,
        approver INTEGER NOT NULL DEFAULT 0,
        token_hash TEXT UNIQUE,
        link_expires_at TEXT,
        session_hash TEXT UNIQUE,
        created_at TEXT NOT NULL,
        signed_in_at TEXT,
        revoked_at TEXT
    );
    CREATE UNIQUE INDEX operators_name_folded ON operators (lower(name));
    """,
    schema_shadow.SQLITE,
)
