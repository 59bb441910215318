-- Schema version 4 (issue 5, sync with the county). See docs/sync.md.

-- Fields the county maintains (SYNC.md §7.5 "county-owned"): the village never edits them, the pull fills them in.
ALTER TABLE residents ADD COLUMN verified_on TEXT;                       -- 县里核验身份信息的日期
ALTER TABLE cases ADD COLUMN county_review TEXT NOT NULL DEFAULT '';     -- 县级审核意见（非空即已审核）

-- Only one sync runs per database (SYNC.md §7.4): the holder's pid, host and heartbeat; a stale holder is taken over.
CREATE TABLE sync_lock (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  owner        TEXT NOT NULL,                 -- a random token of the holding process
  pid          INTEGER NOT NULL,
  host         TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) STRICT;

-- What the clerk decided on a conflict card.
ALTER TABLE sync_conflicts ADD COLUMN decided_at TEXT;
ALTER TABLE sync_conflicts ADD COLUMN decision TEXT;                    -- 'theirs' (kept the county's) | 'mine' (re-sent)
CREATE INDEX sync_conflicts_open ON sync_conflicts(seen_by_clerk, id);
CREATE INDEX sync_outbox_row_all ON sync_outbox(table_name, row_id, seq);
