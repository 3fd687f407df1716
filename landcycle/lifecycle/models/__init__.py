"""Lifecycle models, one module per workflow."""

from .admission import AdmissionApplication
from .agreements import AgreementTerm, SupervisionAgreement
from .calendar import CalendarYear, Holiday
from .documents import Document
from .exits import Clawback, ExitCase, ExitStep
from .projects import ProjectLead, ProjectProgress
from .renewal import EnterpriseMeasure, RenewalProject, StreetTarget, TaskTable
from .stockland import AvailableLandEntry, AvailableLandList, DisposalStep, StockLandCase

__all__ = [
    "AdmissionApplication",
    "AgreementTerm",
    "AvailableLandEntry",
    "AvailableLandList",
    "CalendarYear",
    "Clawback",
    "DisposalStep",
    "Document",
    "EnterpriseMeasure",
    "ExitCase",
    "ExitStep",
    "Holiday",
    "ProjectLead",
    "ProjectProgress",
    "RenewalProject",
    "StockLandCase",
    "StreetTarget",
    "SupervisionAgreement",
    "TaskTable",
]
