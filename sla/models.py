"""Agreements, service records and compliance results (see the records and SLA modules)."""
