"""Every table of the product, imported in one place so that Alembic and the tests see the whole schema."""

from emberwatch.analytics.models import DepartmentWeek
from emberwatch.audit.models import AuditEvent
from emberwatch.auth.models import AuthSession, LoginThrottle, PasswordResetToken, RefreshToken
from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.core.db import Base
from emberwatch.departments.models import Department, DepartmentManager
from emberwatch.risk.models import RiskModelVersion
from emberwatch.surveys.models import SurveyResponse
from emberwatch.users.models import User
from emberwatch.workload.models import Analysis, Integration, MemberResult, WorkloadIncident, WorkloadPerson

__all__ = [
    "Analysis",
    "AuditEvent",
    "AuthSession",
    "Base",
    "CheckIn",
    "Department",
    "DepartmentManager",
    "DepartmentWeek",
    "Integration",
    "LoginThrottle",
    "MemberResult",
    "PasswordResetToken",
    "Prediction",
    "RefreshToken",
    "RiskModelVersion",
    "SurveyResponse",
    "User",
    "WorkloadIncident",
    "WorkloadPerson",
]
