-- Schema version 1. Dates are ISO 'YYYY-MM-DD' text, money is integer fen (分), codes are the code tables'
-- codes (resources/codes). Every synced table has a client-generated UUID text key `id`.

-- Local bookkeeping (not synced) -------------------------------------------------------------------------------
CREATE TABLE app_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) STRICT;

CREATE TABLE sync_state (k TEXT PRIMARY KEY, v TEXT NOT NULL) STRICT;
INSERT INTO sync_state(k, v) VALUES
  ('applying_remote', '0'), ('current_tx', ''), ('hlc', '0000000000000000-000000'),
  ('device_id', ''), ('device_epoch', lower(hex(randomblob(16)))), ('pull_cursor', '0'), ('server_epoch', '');

CREATE TABLE sync_outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id    TEXT NOT NULL UNIQUE,
  tx_id        TEXT,
  table_name   TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  op           TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  data         TEXT NOT NULL,
  base_version INTEGER,
  client_time  TEXT NOT NULL,
  hlc          TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'inflight', 'acked', 'quarantined')),
  batch_id     TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  result       TEXT,
  server_seq   INTEGER,
  acked_at     TEXT
);
CREATE INDEX sync_outbox_todo ON sync_outbox(state, seq);
CREATE INDEX sync_outbox_row ON sync_outbox(table_name, row_id) WHERE state IN ('pending', 'inflight');

CREATE TABLE sync_conflicts (
  id INTEGER PRIMARY KEY, change_id TEXT, table_name TEXT, row_id TEXT, field TEXT, mine TEXT, theirs TEXT,
  resolution TEXT, seen_by_clerk INTEGER NOT NULL DEFAULT 0, created_at TEXT
);
CREATE TABLE sync_deferred (
  table_name TEXT NOT NULL, row_id TEXT NOT NULL, row_json TEXT NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (table_name, row_id)
);
-- The last server version seen per row: sent as base_version with every local change.
CREATE TABLE sync_versions (
  table_name TEXT NOT NULL, row_id TEXT NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- Search index over residents (storage/search_index.py). Keys are "<kind letter><text>"; see that module.
CREATE TABLE search_keys (key TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID;
-- Residents whose keys must be recomputed; old_* hold the values the current keys were made from.
CREATE TABLE search_pending (
  rid INTEGER PRIMARY KEY, indexed INTEGER NOT NULL,
  old_name TEXT, old_phone TEXT, old_id_masked TEXT, old_status TEXT
);

-- Grids and households --------------------------------------------------------------------------------------
CREATE TABLE grids (
  id         TEXT PRIMARY KEY NOT NULL,
  code       TEXT NOT NULL DEFAULT '',          -- 15 digits in practice: 12-digit village code + 3-digit grid no.
  name       TEXT NOT NULL,
  notes      TEXT NOT NULL DEFAULT '',
  status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE households (
  id           TEXT PRIMARY KEY NOT NULL,
  household_no TEXT NOT NULL DEFAULT '',        -- 户号
  grid_id      TEXT REFERENCES grids(id),
  address      TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dissolved')),
  created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX households_grid ON households(grid_id);
CREATE INDEX households_no ON households(household_no);

CREATE TABLE residents (
  rid            INTEGER PRIMARY KEY,           -- local only: stable small key for the search index
  id             TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  sex            TEXT NOT NULL DEFAULT '0',     -- GB/T 2261.1
  birth_date     TEXT,
  ethnicity      TEXT,                          -- GB/T 3304
  id_type        TEXT NOT NULL DEFAULT '111',   -- GA/T 517
  id_cipher      TEXT,                          -- AES-GCM ciphertext of the ID number (security/field_crypto.py)
  id_hmac        TEXT,                          -- keyed hash for exact lookup and duplicate detection
  id_masked      TEXT,                          -- 前6后4, for display and last-digits search
  phone          TEXT NOT NULL DEFAULT '',
  household_id   TEXT REFERENCES households(id),
  relation       TEXT,                          -- GB/T 4761, relation to the head of household
  grid_id        TEXT REFERENCES grids(id),
  residence_type TEXT NOT NULL DEFAULT '01',
  address        TEXT NOT NULL DEFAULT '',
  occupation     TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'moved_out', 'deceased', 'merged', 'deleted')),
  merged_into    TEXT REFERENCES residents(id),
  notes          TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_grid ON residents(grid_id);
CREATE INDEX residents_id_hmac ON residents(id_hmac) WHERE id_hmac IS NOT NULL;
CREATE INDEX residents_name ON residents(name);

CREATE TABLE resident_categories (
  id              TEXT PRIMARY KEY NOT NULL,
  resident_id     TEXT NOT NULL REFERENCES residents(id),
  category        TEXT NOT NULL,                -- resident_category code table
  attention_level TEXT,                         -- attention_level code table
  since           TEXT,
  until           TEXT,
  notes           TEXT NOT NULL DEFAULT '',
  UNIQUE (resident_id, category)
) STRICT;
CREATE INDEX resident_categories_category ON resident_categories(category);

CREATE TABLE grid_workers (
  id          TEXT PRIMARY KEY NOT NULL,
  grid_id     TEXT NOT NULL REFERENCES grids(id),
  resident_id TEXT REFERENCES residents(id),
  name        TEXT NOT NULL,
  phone       TEXT NOT NULL DEFAULT '',
  role        TEXT NOT NULL,                    -- grid_worker_role code table
  since       TEXT,
  until       TEXT
) STRICT;
CREATE INDEX grid_workers_grid ON grid_workers(grid_id);

-- 群防群治队伍 -----------------------------------------------------------------------------------------------
CREATE TABLE teams (
  id                 TEXT PRIMARY KEY NOT NULL,
  name               TEXT NOT NULL,
  team_type          TEXT NOT NULL,             -- team_type code table
  leader_resident_id TEXT REFERENCES residents(id),
  contact_phone      TEXT NOT NULL DEFAULT '',
  grid_id            TEXT REFERENCES grids(id),
  founded_on         TEXT,
  duties             TEXT NOT NULL DEFAULT '',
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disbanded')),
  created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE team_members (
  id          TEXT PRIMARY KEY NOT NULL,
  team_id     TEXT NOT NULL REFERENCES teams(id),
  resident_id TEXT NOT NULL REFERENCES residents(id),
  role        TEXT NOT NULL DEFAULT '队员',
  joined_on   TEXT NOT NULL,
  left_on     TEXT,
  notes       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX team_members_team ON team_members(team_id);
CREATE INDEX team_members_resident ON team_members(resident_id);

CREATE TABLE team_activities (
  id            TEXT PRIMARY KEY NOT NULL,
  team_id       TEXT NOT NULL REFERENCES teams(id),
  activity_date TEXT NOT NULL,
  kind          TEXT NOT NULL,                  -- activity_kind code table
  place         TEXT NOT NULL DEFAULT '',
  summary       TEXT NOT NULL DEFAULT '',
  findings      TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX team_activities_team_date ON team_activities(team_id, activity_date);

CREATE TABLE activity_participants (
  id          TEXT PRIMARY KEY NOT NULL,
  activity_id TEXT NOT NULL REFERENCES team_activities(id),
  resident_id TEXT NOT NULL REFERENCES residents(id),
  UNIQUE (activity_id, resident_id)
) STRICT;

-- 人民调解 (filled in by the mediation issue; here so change capture covers them from day one) -------------------
CREATE TABLE cases (
  id               TEXT PRIMARY KEY NOT NULL,
  case_no          TEXT,                         -- （2026）X村人调字第001号
  case_year        INTEGER,
  case_seq         INTEGER,
  status           TEXT NOT NULL DEFAULT 'registered',
  source           TEXT,                         -- case_source code table
  dispute_type     TEXT,                         -- dispute_type code table
  event_scale      TEXT,                         -- event_scale code table
  people_involved  INTEGER,
  amount_fen       INTEGER,
  summary          TEXT NOT NULL DEFAULT '',
  place            TEXT NOT NULL DEFAULT '',
  grid_id          TEXT REFERENCES grids(id),
  occurred_on      TEXT,
  accepted_on      TEXT,
  deadline_on      TEXT,
  result           TEXT CHECK (result IS NULL OR result IN ('success', 'failure')),
  agreement_form   TEXT,                         -- agreement_form code table
  failure_reason   TEXT NOT NULL DEFAULT '',
  channels_told    TEXT NOT NULL DEFAULT '',
  closed_on        TEXT,
  archived_on      TEXT,
  notes            TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX cases_no ON cases(case_no) WHERE case_no IS NOT NULL;

CREATE TABLE case_parties (
  id           TEXT PRIMARY KEY NOT NULL,
  case_id      TEXT NOT NULL REFERENCES cases(id),
  role         TEXT NOT NULL CHECK (role IN ('applicant', 'respondent', 'third_party')),
  party_kind   TEXT NOT NULL DEFAULT 'person' CHECK (party_kind IN ('person', 'legal_person', 'organization')),
  resident_id  TEXT REFERENCES residents(id),
  name         TEXT NOT NULL,
  sex          TEXT,
  ethnicity    TEXT,
  birth_date   TEXT,
  occupation   TEXT NOT NULL DEFAULT '',
  phone        TEXT NOT NULL DEFAULT '',
  address      TEXT NOT NULL DEFAULT '',
  id_type      TEXT,
  id_cipher    TEXT,
  id_hmac      TEXT,
  id_masked    TEXT,
  credit_code  TEXT NOT NULL DEFAULT '',        -- 统一社会信用代码 of an organisation
  legal_rep    TEXT NOT NULL DEFAULT '',
  agent        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX case_parties_case ON case_parties(case_id);
CREATE INDEX case_parties_resident ON case_parties(resident_id);

CREATE TABLE case_mediators (
  id          TEXT PRIMARY KEY NOT NULL,
  case_id     TEXT NOT NULL REFERENCES cases(id),
  resident_id TEXT REFERENCES residents(id),
  name        TEXT NOT NULL,
  role        TEXT NOT NULL DEFAULT 'mediator' CHECK (role IN ('lead', 'mediator', 'recorder'))
) STRICT;
CREATE INDEX case_mediators_case ON case_mediators(case_id);

CREATE TABLE case_sessions (
  id           TEXT PRIMARY KEY NOT NULL,
  case_id      TEXT NOT NULL REFERENCES cases(id),
  kind         TEXT NOT NULL CHECK (kind IN ('investigation', 'mediation')),
  held_at      TEXT NOT NULL,
  place        TEXT NOT NULL DEFAULT '',
  participants TEXT NOT NULL DEFAULT '',
  statements   TEXT NOT NULL DEFAULT '',
  result       TEXT NOT NULL DEFAULT '',
  recorder     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX case_sessions_case ON case_sessions(case_id);

CREATE TABLE agreements (
  id                   TEXT PRIMARY KEY NOT NULL,
  case_id              TEXT NOT NULL REFERENCES cases(id),
  supplements_id       TEXT REFERENCES agreements(id),  -- a 补充协议 points at the agreement it amends
  form                 TEXT NOT NULL,                   -- agreement_form code table
  facts                TEXT NOT NULL DEFAULT '',
  terms                TEXT NOT NULL DEFAULT '',
  performance_method   TEXT NOT NULL DEFAULT '',
  performance_place    TEXT NOT NULL DEFAULT '',
  performance_deadline TEXT,
  amount_fen           INTEGER,
  copies               INTEGER,
  effective_on         TEXT,
  frozen_at            TEXT,                            -- set when a signed scan is attached
  scan_sha256          TEXT,
  jc_applied_on        TEXT,                            -- 司法确认
  jc_court             TEXT NOT NULL DEFAULT '',
  jc_result            TEXT,
  jc_result_on         TEXT
) STRICT;
CREATE INDEX agreements_case ON agreements(case_id);

CREATE TABLE installments (
  id           TEXT PRIMARY KEY NOT NULL,
  agreement_id TEXT NOT NULL REFERENCES agreements(id),
  due_on       TEXT NOT NULL,
  amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
  payer        TEXT NOT NULL DEFAULT '',
  payee        TEXT NOT NULL DEFAULT '',
  paid_on      TEXT,
  notes        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX installments_agreement ON installments(agreement_id);

CREATE TABLE follow_ups (
  id           TEXT PRIMARY KEY NOT NULL,
  case_id      TEXT NOT NULL REFERENCES cases(id),
  due_on       TEXT,
  done_on      TEXT,
  form         TEXT NOT NULL DEFAULT '',
  performance  TEXT NOT NULL DEFAULT '',
  satisfaction TEXT NOT NULL DEFAULT '',
  visitor      TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX follow_ups_case ON follow_ups(case_id);

-- Search maintenance triggers: fire on every write path (also remote applies and plain sqlite3), mark the
-- resident for re-indexing; Store.write() recomputes the keys before COMMIT, search_index.refresh() elsewhere.
CREATE TRIGGER residents_search_insert AFTER INSERT ON residents
BEGIN
  INSERT OR IGNORE INTO search_pending(rid, indexed) VALUES (NEW.rid, 0);
END;
CREATE TRIGGER residents_search_update AFTER UPDATE OF name, phone, id_masked, status ON residents
WHEN OLD.name IS NOT NEW.name OR OLD.phone IS NOT NEW.phone OR OLD.id_masked IS NOT NEW.id_masked
     OR OLD.status IS NOT NEW.status
BEGIN
  INSERT OR IGNORE INTO search_pending(rid, indexed, old_name, old_phone, old_id_masked, old_status)
  VALUES (OLD.rid, 1, OLD.name, OLD.phone, OLD.id_masked, OLD.status);
END;
CREATE TRIGGER residents_search_delete AFTER DELETE ON residents
BEGIN
  INSERT OR IGNORE INTO search_pending(rid, indexed, old_name, old_phone, old_id_masked, old_status)
  VALUES (OLD.rid, 1, OLD.name, OLD.phone, OLD.id_masked, OLD.status);
END;
