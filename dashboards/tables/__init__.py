"""The dashboards' tables, one module per page (``cells``: what they share)."""
