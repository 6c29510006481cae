"""The dashboard: server-rendered pages a community manager opens in a browser."""

from api.dashboard.routes import mount_dashboard

__all__ = ["mount_dashboard"]
