from django.db.models import QuerySet

from .models import ClientEntity


def client_queryset() -> QuerySet[ClientEntity]:
    return ClientEntity.objects.select_related("duty_station", "parent")


def client_detail(*, code: str) -> ClientEntity:
    return ClientEntity.objects.select_related("duty_station", "parent").get(code=code)
