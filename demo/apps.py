from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo users and activity for the embedded default (``seed_demo``), all labelled demo,
    written through the real services of every app: hence on top of them all."""

    name = "demo"
    verbose_name = "Demo data"
