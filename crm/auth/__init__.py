from crm.auth.views import bp

__all__ = ["bp"]
