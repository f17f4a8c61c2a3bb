"""Forms of the SLA pages: the header of a draft (parties, period, notes), its lines and
targets as plain named inputs, and the inputs of the return and terminate actions.

The forms only read and shape what was typed; every rule (stricter-than-the-standard,
overlap, period, who may act) is the services' (``sla.services.agreements``).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Prefetch

from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from catalogue.selectors import offering_queryset
from clients.selectors import client_queryset
from core.exceptions import ApplicationError

from .services import LineInput, target_inputs

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SlaPeriodForm(forms.Form):
    """The period and notes of a draft (what an edit may change besides the lines)."""

    start_date = forms.DateField(widget=DATE_WIDGET)
    end_date = forms.DateField(widget=DATE_WIDGET)
    notes = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional; shown on the SLA page, not in the agreement text.",
    )


class SlaRegisterForm(SlaPeriodForm):
    """A new draft: the provider (fixed to one of the user's), the client entity, the period."""

    provider = forms.ModelChoiceField(queryset=None, to_field_name="code", widget=forms.HiddenInput)
    client = forms.ModelChoiceField(
        queryset=None, to_field_name="code", label="Client entity", empty_label="Choose…"
    )
    field_order = ["provider", "client", "start_date", "end_date", "notes"]

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["client"].queryset = client_queryset().order_by("code")
        self.fields["client"].label_from_instance = lambda c: f"{c.code} – {c.name}"


def default_period(today: dt.date) -> dict:
    """One year from today: the initial period offered on a new draft."""
    try:
        end = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        end = today.replace(year=today.year + 1, day=28)
    return {"start_date": today, "end_date": end - dt.timedelta(days=1)}


class ProviderChoiceForm(forms.Form):
    """Step one for a user who acts for several providers: whose SLA to register."""

    provider = forms.ModelChoiceField(queryset=None, to_field_name="code", empty_label="Choose…")

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ReturnForm(forms.Form):
    comment = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why do you return it?",
        help_text="The provider sees this comment on the draft.",
    )


class TerminateForm(forms.Form):
    reason = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )
    termination_date = forms.DateField(
        required=False,
        widget=DATE_WIDGET,
        label="Last day in force",
        help_text="Empty: today.",
    )


# --- lines and targets -------------------------------------------------------------------


def provider_offerings(provider) -> list[Offering]:
    """The provider's own offerings, with their service and its standards (fixed queries)."""
    return list(
        offering_queryset()
        .filter(provider=provider)
        .prefetch_related(
            Prefetch(
                "service__standards",
                queryset=MinimumServiceStandard.objects.order_by("kind", "code"),
            )
        )
        .order_by("service__code")
    )


def _plain(value) -> str:
    """A decimal as typed by a person: 10 rather than 10.00, 96.7 rather than 96.700."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


@dataclass
class TargetRow:
    standard: MinimumServiceStandard
    threshold: str
    target_pct: str
    prefix: str
    error: str = ""

    @property
    def has_threshold(self) -> bool:
        return self.standard.kind == MeasureKind.TIMELINESS

    @property
    def threshold_name(self) -> str:
        return f"{self.prefix}-threshold"

    @property
    def target_pct_name(self) -> str:
        return f"{self.prefix}-target_pct"


@dataclass
class LineRow:
    offering: Offering
    selected: bool
    volume: str
    targets: list[TargetRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"line-{self.offering.pk}"

    @property
    def has_error(self) -> bool:
        return bool(self.errors) or any(t.error for t in self.targets)


class SlaLinesForm:
    """The lines of a draft as named inputs, one row per offering of the provider:

    ``line-<offering id>-selected`` (checkbox), ``line-<offering id>-volume``, and per
    standard of the service ``target-<offering id>-<standard code>-threshold`` and
    ``-target_pct``. Unbound, targets start from the standards (or from ``sla``'s lines).
    ``is_valid()`` turns the selected rows into ``LineInput`` through ``target_inputs``.
    """

    def __init__(self, *, offerings: list[Offering], data=None, sla=None):
        self.data = data
        self.is_bound = data is not None
        self.line_inputs: list[LineInput] = []
        self.rows = [self._row(offering, sla) for offering in offerings]

    def _row(self, offering: Offering, sla) -> LineRow:
        current = None
        if sla is not None:
            current = next((ln for ln in sla.lines.all() if ln.offering_id == offering.pk), None)
        stored = {t.standard_id: t for t in current.targets.all()} if current else {}
        row = LineRow(
            offering=offering,
            selected=current is not None,
            volume=str(current.expected_volume) if current else "",
        )
        for standard in offering.service.standards.all():
            source = stored.get(standard.pk, standard)
            row.targets.append(
                TargetRow(
                    standard=standard,
                    threshold=_plain(source.threshold),
                    target_pct=_plain(source.target_pct),
                    prefix=f"target-{offering.pk}-{standard.code}",
                )
            )
        if self.is_bound:
            row.selected = self.data.get(f"{row.prefix}-selected") == "on"
            row.volume = self.data.get(f"{row.prefix}-volume", "").strip()[:20]
            for target in row.targets:
                target.threshold = self.data.get(target.threshold_name, "").strip()[:20]
                target.target_pct = self.data.get(target.target_pct_name, "").strip()[:20]
        return row

    @property
    def selected_rows(self) -> list[LineRow]:
        return [row for row in self.rows if row.selected]

    def is_valid(self) -> bool:
        self.line_inputs = []
        for row in self.selected_rows:
            code = row.offering.service.code
            try:
                volume = int(row.volume)
            except ValueError:
                volume = None
            if volume is None or volume < 0:
                row.errors.append(f"{code}: the expected volume must be a whole number from 0.")
            raw = []
            for target in row.targets:
                item = {"standard": target.standard.code, "target_pct": target.target_pct}
                if target.has_threshold:
                    item["threshold"] = target.threshold
                    if not target.threshold:
                        target.error = "Enter a threshold."
                if not target.target_pct:
                    target.error = "Enter a target share."
                raw.append(item)
            if row.has_error:
                continue
            try:
                targets = target_inputs(offering=row.offering, raw=raw)
            except ApplicationError as exc:
                row.errors.append(f"{code}: {exc.message}")
                continue
            self.line_inputs.append(
                LineInput(offering=row.offering, expected_volume=volume, targets=targets)
            )
        return not any(row.has_error for row in self.rows)

    def mark_errors(self, error: ApplicationError) -> None:
        """Place a service's error beside the target it names (``"MSS-…: reason"``)."""
        by_code = {t.standard.code: t for row in self.rows for t in row.targets if row.selected}
        for entry in error.errors.get("targets", []):
            code, _, reason = str(entry).partition(": ")
            if code in by_code:
                by_code[code].error = reason or str(entry)
