"""Filters of the survey lists, shared by the pages and the API."""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import RegexValidator

from catalogue.models import Service
from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, KeywordFilter, MonthInput, NaturalKeyChoiceField
from providers.models import ServiceProvider

from .choices import CampaignStatus
from .models import Answer, Campaign
from .selectors import ResultCell, results

MONTH_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "Use YYYY-MM, e.g. 2026-02.")


class CampaignFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("name",), label="Name")
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices)
    provider = CodeChoiceFilter(
        field_name="offerings__provider",
        queryset=ServiceProvider.objects.all(),
        distinct=True,
        label="Provider asked about",
    )
    client = CodeChoiceFilter(
        field_name="clients",
        queryset=ClientEntity.objects.all(),
        distinct=True,
        label="Client entity invited",
    )
    ordering = django_filters.OrderingFilter(
        fields=(("opens_on", "opens_on"), ("closes_on", "closes_on"), ("name", "name"))
    )

    class Meta:
        model = Campaign
        fields = ["q", "status", "provider", "client"]


class AnswerFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", min_value=1, label="Campaign")
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())

    class Meta:
        model = Answer
        fields = ["campaign", "provider", "service"]


class ResultFilterForm(forms.Form):
    """Filters of the results (page, API and export): campaign, provider, service and
    the month the campaigns ran in."""

    campaign = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    provider = NaturalKeyChoiceField(
        queryset=ServiceProvider.objects.order_by("code"), required=False, empty_label="Any"
    )
    service = NaturalKeyChoiceField(
        queryset=Service.objects.order_by("code"), required=False, empty_label="Any"
    )
    period = forms.CharField(
        required=False, max_length=7, validators=[MONTH_VALIDATOR], label="Month", widget=MonthInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].label_from_instance = lambda p: p.code
        self.fields["service"].label_from_instance = lambda s: f"{s.code} – {s.name}"

    def results(self, *, user) -> list[ResultCell]:
        """The result cells the user may see, filtered (call after ``is_valid``)."""
        data = self.cleaned_data
        campaign = None
        if data.get("campaign"):
            campaign = Campaign.objects.filter(pk=data["campaign"]).first()
            if campaign is None:
                return []
        period = dt.date.fromisoformat(f"{data['period']}-01") if data.get("period") else None
        return results(
            user=user,
            campaign=campaign,
            provider=data.get("provider"),
            service=data.get("service"),
            period=period,
        )
