from crm.interactions.views import bp

__all__ = ["bp"]
