"""The web console: server-rendered pages (Jinja2) with small vanilla JS modules over the JSON API."""
