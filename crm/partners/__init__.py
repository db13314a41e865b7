from crm.partners.views import bp

__all__ = ["bp"]
