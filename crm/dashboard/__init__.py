from crm.dashboard.views import bp

__all__ = ["bp"]
