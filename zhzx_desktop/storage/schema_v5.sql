-- Schema version 5 (issue 6: accounts, the audit log, dialog drafts). None of these tables is captured for the
-- county's row sync: accounts and drafts stay on this PC; the audit log travels by its own push-only stream.

-- The people who log in to this PC. password_hash is an Argon2id string (security/accounts.py), never a password.
CREATE TABLE accounts (
  id                  TEXT PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name        TEXT NOT NULL,
  role                TEXT NOT NULL CHECK (role IN ('clerk', 'mediator', 'director', 'admin', 'auditor')),
  password_hash       TEXT NOT NULL,
  must_change         INTEGER NOT NULL DEFAULT 1,     -- 1: the next login must set a new password (initial/reset)
  password_changed_at TEXT NOT NULL,                  -- ISO datetime; a password older than 90 days must change
  failed_logins       INTEGER NOT NULL DEFAULT 0,     -- consecutive failures; 5 locks the account
  locked_until        TEXT,                           -- ISO datetime, NULL when not locked
  active              INTEGER NOT NULL DEFAULT 1,     -- 0: disabled (accounts are never deleted: the log names them)
  created_at          TEXT NOT NULL
) STRICT;

-- Append-only, hash-chained (security/audit.py): hash = SHA-256 over the entry's fields and prev_hash; seq has no
-- gaps. Never an ID number, a phone or a password in any column.
CREATE TABLE audit_log (
  id           TEXT PRIMARY KEY,                      -- globally unique (the county keeps every village's log)
  seq          INTEGER NOT NULL UNIQUE,               -- 1, 2, 3 … the chain's order
  device       TEXT NOT NULL,                         -- app_meta.db_id of the database that wrote it
  at           TEXT NOT NULL,                         -- local date and time, ISO 8601 with offset
  actor        TEXT NOT NULL,                         -- username, or 'system' for the command line
  actor_name   TEXT NOT NULL,                         -- display name at the time
  role         TEXT NOT NULL,
  action       TEXT NOT NULL,                         -- a code of security/audit.ACTIONS
  object_type  TEXT NOT NULL DEFAULT '',              -- a table name ('residents', 'cases' …) or '' 
  object_id    TEXT NOT NULL DEFAULT '',
  object_label TEXT NOT NULL DEFAULT '',              -- what a person calls it: 张三, （2026）X村人调字第001号
  success      INTEGER NOT NULL CHECK (success IN (0, 1)),
  detail       TEXT NOT NULL DEFAULT '',              -- reason given, counts, fields changed (names, not values)
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- What a dialog held when it was last touched, so a crash or a power cut loses no typing (gui/drafts.py).
-- sealed = the field values as JSON, encrypted with the data key (a draft may hold an ID number).
CREATE TABLE drafts (
  key      TEXT NOT NULL,                             -- the dialog and its object: 'resident:new', 'case:<id>' …
  account  TEXT NOT NULL,                             -- accounts.id, or 'system'
  saved_at TEXT NOT NULL,
  sealed   BLOB NOT NULL,
  PRIMARY KEY (key, account)
) STRICT;
