"""WSGI entry point: `waitress-serve wsgi:app`, `gunicorn wsgi:app`, and `flask` find it.

Once the app is made, the objects that live as long as the process (modules, models,
translations, country names, …) are moved out of the garbage collector's sight (`gc.freeze`):
its periodic full collection walks every object it tracks, so it no longer walks these. On the
bench office with every main page served once, a full collection took 330-420 ms and then 100-110 ms
(a busy machine; README, performance)."""
import gc

from crm import create_app

app = create_app()
gc.collect()  # nothing that is already garbage is kept for good
gc.freeze()
