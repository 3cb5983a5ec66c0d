"""Django configuration: settings, URLs, WSGI/ASGI entry points."""
