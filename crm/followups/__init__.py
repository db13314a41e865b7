from crm.followups.views import bp

__all__ = ["bp"]
