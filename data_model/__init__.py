"""Tables, engine and migrations of the grant monitor."""

from data_model.access import (
    ApiToken,
    AuditEntry,
    DataVersion,
    ImportBatch,
    Role,
    SignInSession,
    User,
)
from data_model.activities import Activity, ActivityRegion, Milestone, MilestoneStatus
from data_model.budget import CATEGORY_LABELS, BudgetLine, CostCategory, Expenditure
from data_model.centres import Centre, CentreOccupancy
from data_model.reference import Award, AwardPartner, ContextFigure, Partner, Region, Source
from data_model.reintegration import ReintegrationFigure
from data_model.results import (
    Indicator,
    IndicatorResult,
    IndicatorTarget,
    Outcome,
    Output,
    QuarterReport,
    ReportStatus,
)

__all__ = [
    "CATEGORY_LABELS",
    "Activity",
    "ActivityRegion",
    "ApiToken",
    "AuditEntry",
    "Award",
    "AwardPartner",
    "BudgetLine",
    "Centre",
    "CentreOccupancy",
    "ContextFigure",
    "CostCategory",
    "DataVersion",
    "Expenditure",
    "ImportBatch",
    "Indicator",
    "IndicatorResult",
    "IndicatorTarget",
    "Milestone",
    "MilestoneStatus",
    "Outcome",
    "Output",
    "Partner",
    "QuarterReport",
    "Region",
    "ReintegrationFigure",
    "ReportStatus",
    "Role",
    "SignInSession",
    "Source",
    "User",
]
