import ipaddress

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations: probes, metrics, heartbeats, logs"

    def ready(self):
        from . import receivers  # noqa: F401

        register(check_metrics_networks)


def check_metrics_networks(app_configs=None, **kwargs) -> list[Error]:
    """Every entry of ``PORTAL_METRICS_NETWORKS`` is a network (CIDR) or an address."""
    errors = []
    for value in settings.PORTAL_METRICS_NETWORKS:
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"PORTAL_METRICS_NETWORKS: {value!r} is not a network "
                    "(e.g. 10.0.0.0/8 or 127.0.0.1).",
                    id="ops.E001",
                )
            )
    return errors
