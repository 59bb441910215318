"""今天要办: every dated duty of the cases that is overdue or falls due within a week (DOMAIN.md §1.2, §6.4).

Apart from ``services/cases.py`` so the start page reads its list without loading the whole case workflow.
"""

from __future__ import annotations

from datetime import date

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.case_rules import Deadline
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.services import fields
from zhzx_desktop.services.ledger import Ledger

_DUE_SQL = """
SELECT 'mediation_limit', c.deadline_on, c.id, '' FROM cases c
 WHERE c.status IN ('accepted', 'mediating') AND c.deadline_on IS NOT NULL AND c.deadline_on <= :horizon
UNION ALL
SELECT 'jc_window', date(a.effective_on, '+30 days'), c.id, '' FROM agreements a JOIN cases c ON c.id = a.case_id
 WHERE c.status = 'agreed' AND a.form = '01' AND a.jc_applied_on IS NULL AND a.effective_on IS NOT NULL
   AND date(a.effective_on, '+30 days') BETWEEN :today AND :horizon
UNION ALL
SELECT 'installment', i.due_on, c.id, i.amount_fen FROM installments i JOIN agreements a ON a.id = i.agreement_id
  JOIN cases c ON c.id = a.case_id
 WHERE i.paid_on IS NULL AND c.status = 'agreed' AND i.due_on <= :horizon
UNION ALL
SELECT 'performance', a.performance_deadline, c.id, '' FROM agreements a JOIN cases c ON c.id = a.case_id
 WHERE c.status = 'agreed' AND a.performed_on IS NULL AND a.performance_deadline <= :horizon
   AND NOT EXISTS (SELECT 1 FROM installments i WHERE i.agreement_id = a.id)
UNION ALL
SELECT 'follow_up', f.due_on, c.id, '' FROM follow_ups f JOIN cases c ON c.id = f.case_id
 WHERE f.done_on IS NULL AND f.due_on IS NOT NULL AND c.status IN ('agreed', 'failed', 'closed')
   AND f.due_on <= :horizon
"""


def due_items(ledger: Ledger) -> list[Deadline]:
    """今天要办: every dated duty that is overdue or falls due within ``case_rules.DUE_SOON_DAYS``, soonest first.
    (A 司法确认 window that has passed is no longer a duty; it drops off.) None for a role without ``CASES_VIEW``."""
    if ledger.actor is None or not ledger.actor.can(Permission.CASES_VIEW):
        return []
    today = ledger.today()
    horizon = date.fromordinal(today.toordinal() + case_rules.DUE_SOON_DAYS)
    conn = ledger.store.conn
    found = conn.execute(_DUE_SQL, {"today": today.isoformat(), "horizon": horizon.isoformat()}).fetchall()
    case_ids = sorted({row[2] for row in found})
    titles: dict[str, tuple[str, str]] = {}
    for chunk in range(0, len(case_ids), 500):
        part = case_ids[chunk:chunk + 500]
        for case_id, number, dispute, names in conn.execute(
                f"""SELECT c.id, c.case_no, c.dispute_type, (SELECT group_concat(name, '、') FROM
                    (SELECT name FROM case_parties p WHERE p.case_id = c.id ORDER BY p.rowid))
                    FROM cases c WHERE c.id IN ({','.join('?' * len(part))})""", part):
            titles[case_id] = (number or "", case_rules.case_title(names.split("、") if names else [], dispute))
    items = [Deadline(kind, date.fromisoformat(due), case_id, titles[case_id][0], titles[case_id][1],
                      f"{fields.yuan(detail)} 元" if kind == "installment" else "")
             for kind, due, case_id, detail in found]
    order = list(case_rules.DEADLINE_KINDS)
    return sorted(items, key=lambda d: (d.due_on, d.case_no, order.index(d.kind)))
