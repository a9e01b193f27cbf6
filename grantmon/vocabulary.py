"""The words behind stored codes (statuses, roles, kinds, units, audit actions), in the reader's
language. Codes stay English in the database and in files; only what a person reads changes."""

from typing import Any

from grantmon.i18n import N_, t

# Every page, slide, chart or row of a file made for another role than the donor's, or holding
# a figure not yet approved, says so.
INTERNAL = N_("INTERNAL, NOT FOR THE DONOR")

WORDS = {
    # API tokens
    "active": N_("active"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    # Milestones (recorded status, and the state the screens derive from the dates)
    "not started": N_("not started"),
    "in progress": N_("in progress"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "late": N_("late"),
    "on track": N_("on track"),
    # Verdicts for the award and each area (on track as above)
    "at risk": N_("at risk"),
    "behind": N_("behind"),
    "not assessed": N_("not assessed"),
    # Indicators: status compares performance with the target, whatever its direction
    "above": N_("better than target"),
    "below": N_("worse than target"),
    "no data": N_("no data"),
    "no target set": N_("no target set"),
    "no approved figures in the period": N_("no approved figures in the period"),
    "no figures in the period": N_("no figures in the period"),
    "no target for the quarters reported": N_("no target for the quarters reported"),
    "increase": N_("increase"),
    "decrease": N_("decrease"),
    # Budget lines against their plan to date
    "on plan": N_("on plan"),
    "over plan": N_("over plan"),
    "under plan": N_("under plan"),
    "suppressed": N_("suppressed"),
    # Centres
    "planned": N_("planned"),
    "open": N_("open"),
    "closed": N_("closed"),
    "not yet open": N_("not yet open"),
    "reception": N_("reception"),
    "accommodation": N_("accommodation"),
    "assistance": N_("assistance"),
    # Quarterly review of figures and reports
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "returned": N_("returned"),
    "approved": N_("approved"),
    "reopened": N_("reopened"),
    # Roles
    "administrator": N_("administrator"),
    "m&e officer": N_("m&e officer"),
    "programme manager": N_("programme manager"),
    "viewer": N_("viewer"),
    "donor": N_("donor"),
    # Cost categories of the SF-424A budget
    "personnel": N_("Personnel"),
    "fringe benefits": N_("Fringe benefits"),
    "travel": N_("Travel"),
    "equipment": N_("Equipment"),
    "supplies": N_("Supplies"),
    "contractual": N_("Contractual"),
    "other direct": N_("Other direct"),
    "indirect": N_("Indirect"),
    # Partners of the award
    "recipient": N_("recipient"),
    "implementing partner": N_("implementing partner"),
    # Units of indicators and of the public context figures
    "people": N_("people"),
    "victims": N_("victims"),
    "plans": N_("plans"),
    "days": N_("days"),
    "exchanges": N_("exchanges"),
    "arrests": N_("arrests"),
    "prosecutions": N_("prosecutions"),
    "convictions": N_("convictions"),
    "cases": N_("cases"),
    # Breakdown categories
    "female": N_("female"),
    "male": N_("male"),
    "moroccan": N_("Moroccan"),
    "foreign": N_("foreign national"),
    # Audit trail: actions and kinds of record
    "create": N_("create"),
    "update": N_("update"),
    "add": N_("add"),
    "remove": N_("remove"),
    "import": N_("import"),
    "sign-in": N_("sign-in"),
    "sign-out": N_("sign-out"),
    "submit": N_("submit"),
    "approve": N_("approve"),
    "return": N_("return"),
    "reopen": N_("reopen"),
    "language": N_("language"),
    "milestone": N_("milestone"),
    "indicator_result": N_("indicator result"),
    "centre": N_("centre"),
    "centre_occupancy": N_("centre occupancy"),
    "expenditure": N_("expenditure"),
    "reintegration": N_("reintegration figures"),
    "quarter report": N_("quarter report"),
    "user": N_("user"),
    "session": N_("session"),
    "file": N_("file"),
}

# Fields named in the audit trail's "what changed" column.
FIELDS = {
    "status": N_("status"),
    "percent_complete": N_("percent complete"),
    "actual_completion_date": N_("actual completion date"),
    "notes": N_("notes"),
    "evidence_url": N_("evidence link"),
    "comment": N_("comment"),
    "figures": N_("figures"),
    "opened_on": N_("opened on"),
    "capacity": N_("capacity"),
    "people_accommodated": N_("people accommodated"),
    "average_beds_occupied": N_("average beds occupied"),
    "amount_cents": N_("amount (cents)"),
    "spent_on": N_("date spent"),
    "description": N_("description"),
    "justification": N_("justification"),
    "quarter": N_("quarter"),
    "value": N_("value"),
    "active": N_("active"),
    "role": N_("role"),
    "partner": N_("partner"),
    "region": N_("region"),
    "email": N_("email"),
}


def word(code: Any) -> str:
    """A stored code in the reader's words ('late' -> 'en retard'); unknown codes as they are."""
    text = str(code)
    return t(WORDS.get(text, text))


def field_name(name: str) -> str:
    """A record's field as the audit trail names it to readers."""
    return t(FIELDS.get(name, name))
