"""Every model, importable from one place so metadata is complete for Alembic."""

from homeledger.models.audit import AuditLog
from homeledger.models.auth import Invite, RefreshToken, RevokedToken, WebSession
from homeledger.models.base import Base, UserOwned
from homeledger.models.categories import Category, CategorySeed, Owner
from homeledger.models.planning import (
    Budget,
    Commitment,
    Debt,
    DebtPayment,
    GoalContribution,
    SavingsGoal,
)
from homeledger.models.sharing import LedgerMember
from homeledger.models.transactions import (
    ImportBatch,
    ImportProfile,
    LegacyUpload,
    Rule,
    Transaction,
)
from homeledger.models.users import User, UserSettings

__all__ = [
    "AuditLog",
    "Base",
    "Budget",
    "Category",
    "CategorySeed",
    "Commitment",
    "Debt",
    "DebtPayment",
    "GoalContribution",
    "ImportBatch",
    "ImportProfile",
    "Invite",
    "LedgerMember",
    "LegacyUpload",
    "Owner",
    "RefreshToken",
    "RevokedToken",
    "Rule",
    "SavingsGoal",
    "Transaction",
    "User",
    "UserOwned",
    "UserSettings",
    "WebSession",
]
