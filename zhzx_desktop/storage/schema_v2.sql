-- Schema version 2 (issue 3, the clerk's ledger).

-- The resident table lists and sorts everything not merged away or deleted. Name order is pinyin order, from the
-- search index's sort keys (storage/search_index.py); birth order from this partial index, which holds exactly the
-- listed rows, so a sorted list of a million rids is one covering index scan (≈0.3 s) instead of a table walk.
CREATE INDEX residents_listed_birth ON residents(birth_date, status) WHERE status NOT IN ('merged', 'deleted');
-- A resident's name sort key by rid, so a filtered list (one grid, one category…) sorts its few rows by pinyin
-- instead of walking every sort key. The WHERE must match the query's literal range (services/residents.py).
CREATE INDEX search_keys_sort ON search_keys(rid, key) WHERE key >= 's' AND key < 't';
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
