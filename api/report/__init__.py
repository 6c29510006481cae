"""The monthly health report: one self-contained HTML file for a community's stakeholders."""

from api.report.builder import MonthlyReport, ReportRequest, monthly_report
from api.report.render import render_report

__all__ = ["MonthlyReport", "ReportRequest", "monthly_report", "render_report"]
