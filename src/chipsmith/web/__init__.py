"""``chipsmith serve``: the local web app over design sessions, workspaces and benchmark runs.

``app.create_app(WebConfig(...))`` builds the FastAPI application; nothing is imported or started
at package import time. See docs/web.md for the pages and the security model.
"""
