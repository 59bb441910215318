-- Schema version 3 (issue 4, 人民调解 end to end). See docs/design-notes.md "Case numbers" and "The case file".

-- A case number is unique per committee and year: the running number is allocated from this PC's number block
-- (app_meta 'case_block') under the write lock, as max + 1 over this index. The printed text case_no stays UNIQUE
-- (schema v1). (year, seq) is not unique: a database made by older demos holds several villages' committees.
CREATE INDEX cases_year_seq ON cases(case_year, case_seq);
CREATE INDEX cases_status ON cases(status, accepted_on);
CREATE INDEX cases_accepted ON cases(accepted_on);
CREATE INDEX case_mediators_resident ON case_mediators(resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX installments_open ON installments(due_on) WHERE paid_on IS NULL;
CREATE INDEX follow_ups_open ON follow_ups(due_on) WHERE done_on IS NULL;

ALTER TABLE cases ADD COLUMN retention TEXT NOT NULL DEFAULT '';          -- 保管期限 of the case file
ALTER TABLE case_sessions ADD COLUMN parties_present TEXT NOT NULL DEFAULT '';  -- 到场当事人 (names, 、-separated)
ALTER TABLE agreements ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE follow_ups ADD COLUMN party TEXT NOT NULL DEFAULT '';        -- 受访当事人
ALTER TABLE agreements ADD COLUMN performed_on TEXT;                    -- 履行完毕: every installment paid, or the terms carried out

-- The case file (卷宗): one row per document in it. A generated PDF or an attached scan has its SHA-256 and its
-- bytes in document_files; a paper-only item (权利义务告知书 signed on paper, ID copies…) has none.
CREATE TABLE case_documents (
  id          TEXT PRIMARY KEY NOT NULL,
  case_id     TEXT NOT NULL REFERENCES cases(id),
  item        TEXT NOT NULL,                   -- case_file_item code table (the 卷内目录 row)
  origin      TEXT NOT NULL CHECK (origin IN ('generated', 'scan', 'paper')),
  doc_type    TEXT,                            -- generated: agreement / intake / record / oral / followup / cover
  subject_id  TEXT,                            -- the agreement a generated agreement or a scan belongs to
  title       TEXT NOT NULL,
  sha256      TEXT,
  media_type  TEXT,
  size        INTEGER,
  pages       INTEGER,
  created_at  TEXT NOT NULL,
  notes       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX case_documents_case ON case_documents(case_id);

-- Document bytes, content-addressed and sealed with the data key (AES-GCM, the hash as associated data): an
-- archived agreement may carry ID numbers, which never sit on disk in clear. Local: the sync sends metadata only.
CREATE TABLE document_files (
  sha256     TEXT PRIMARY KEY NOT NULL,
  media_type TEXT NOT NULL,
  sealed     BLOB NOT NULL
) STRICT;
