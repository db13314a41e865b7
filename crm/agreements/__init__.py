from crm.agreements.views import bp

__all__ = ["bp"]
