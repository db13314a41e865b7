from crm.proposals.views import bp

__all__ = ["bp"]
