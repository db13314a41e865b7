"""WSGI entry point: `waitress-serve wsgi:app`, `gunicorn wsgi:app`, and `flask` find it."""
from crm import create_app

app = create_app()
