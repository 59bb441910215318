-- Schema v6 (issue 7): what the monthly report (DOMAIN.md §3.6) counts that v1–v5 did not record, the 研判
-- escalation of a case, and the monthly reports themselves (sent to the county as records).

-- 防止民间纠纷转化为刑事案件 / 群体性上访 / 群体性械斗 / 因纠纷引起自杀: prevention_kind code table; counted as
-- N件 (cases) M人 (people_involved).
ALTER TABLE cases ADD COLUMN prevention TEXT;
ALTER TABLE cases ADD COLUMN difficult INTEGER NOT NULL DEFAULT 0 CHECK (difficult IN (0, 1));  -- 疑难案件
ALTER TABLE cases ADD COLUMN escalated_on TEXT;                    -- 上报镇综治中心 (研判): the date it was reported

-- A 排查 activity's findings as numbers: 排查发现纠纷数, 预防纠纷数.
ALTER TABLE team_activities ADD COLUMN disputes_found INTEGER NOT NULL DEFAULT 0 CHECK (disputes_found >= 0);
ALTER TABLE team_activities ADD COLUMN disputes_prevented INTEGER NOT NULL DEFAULT 0 CHECK (disputes_prevented >= 0);

-- 月报 sent upward: one row per month and PC (another PC of the same village may send its own; the county keeps
-- both). ``figures`` is the JSON of services.reports.MonthlyReport; ``zero`` marks a 零上报.
CREATE TABLE monthly_reports (
  id           TEXT PRIMARY KEY NOT NULL,
  month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  figures      TEXT NOT NULL,
  zero         INTEGER NOT NULL DEFAULT 0 CHECK (zero IN (0, 1)),
  generated_at TEXT NOT NULL,
  submitted_by TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX monthly_reports_month ON monthly_reports(month);
CREATE INDEX cases_closed ON cases(closed_on);
