-- Schema version 2 (issue 3, the clerk's ledger).

-- The resident table lists and sorts everything not merged away or deleted. These partial indexes hold exactly
-- those rows, so a sorted list of a million rids is one covering index scan (≈0.3 s) instead of a table walk.
DROP INDEX residents_name;
CREATE INDEX residents_listed_name ON residents(name, status) WHERE status NOT IN ('merged', 'deleted');
CREATE INDEX residents_listed_birth ON residents(birth_date, status) WHERE status NOT IN ('merged', 'deleted');
CREATE INDEX residents_merged_into ON residents(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX grid_workers_resident ON grid_workers(resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX activity_participants_resident ON activity_participants(resident_id);
CREATE INDEX teams_leader ON teams(leader_resident_id) WHERE leader_resident_id IS NOT NULL;

-- The undo journal: one entry per undoable action (an import, a merge, a status change) with the row-level steps that undo it.
-- Local bookkeeping: not captured, never synced (the undo itself is captured like any other edit).
CREATE TABLE journal (
  id         TEXT PRIMARY KEY NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('import', 'merge', 'status')),
  label      TEXT NOT NULL,
  steps      TEXT NOT NULL,                     -- JSON list, see services/journal.py
  size       INTEGER NOT NULL,                  -- rows the action touched, for the list
  created_at TEXT NOT NULL,
  undone_at  TEXT
) STRICT;
CREATE INDEX journal_recent ON journal(created_at);
