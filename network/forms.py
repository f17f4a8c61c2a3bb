"""The advisor's and the map's choices, shared by the pages and the API (one validation)."""

from django import forms

from catalogue.models import FunctionalArea, Service
from clients.models import ClientEntity
from core.clock import ClockError, iso_week_bounds
from core.models import HOLIDAY_YEARS


class _CodeField(forms.ModelChoiceField):
    """A choice by code; anything that cannot be a code is "no such code", never an error
    of the database (NUL, overlong)."""

    def __init__(self, queryset, what: str, **kwargs):
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
        self.error_messages["invalid_choice"] = f"No {what} with this code."
        self.label_from_instance = lambda obj: f"{obj.code} – {obj.name}"

    def to_python(self, value):
        if isinstance(value, str) and ("\x00" in value or len(value) > 64):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().to_python(value)


class AdvisorForm(forms.Form):
    """A client entity and a catalogue service (by code), and optionally the reference week
    of the working-hours overlap (``YYYY-Www``; by default the last complete week)."""

    client = _CodeField(
        ClientEntity.objects.select_related("duty_station").order_by("code"),
        "client entity",
        empty_label="Choose…",
    )
    service = _CodeField(Service.objects.order_by("code"), "service", empty_label="Choose…")
    week = forms.CharField(
        required=False,
        max_length=8,
        # Plain words: the week whose working hours are compared, with an example of how
        # to write it (ISO week numbering); empty means last week.
        label="Week compared (e.g. 2026-W10)",
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "last week"}),
    )

    def __init__(self, *args, own_clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        if own_clients is not None:
            # Only what the user may ask for is offered; another code is refused by scope.
            self.fields["client"].widget.choices = [("", "Choose…")] + [
                (c.code, f"{c.code} – {c.name}") for c in own_clients
            ]

    def clean_week(self):
        week = self.cleaned_data.get("week") or ""
        if week:
            try:
                start, _end = iso_week_bounds(week)
            except ClockError as exc:
                raise forms.ValidationError(str(exc).removeprefix("week: ")) from None
            first, last = HOLIDAY_YEARS
            if not first <= start.year <= last:
                # The calendars hold holidays for these years only (as records do).
                raise forms.ValidationError(f"Choose a week between {first} and {last}.")
        return week


class MapForm(forms.Form):
    """The map's filter: a functional area (by code), or every area; and the day whose
    designations are drawn (``YYYY-MM-DD``; today by default)."""

    area = _CodeField(
        FunctionalArea.objects.order_by("code"),
        "functional area",
        required=False,
        empty_label="Any",
    )
    on = forms.DateField(
        required=False,
        label="Designations in force on",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-07-15."},
    )

    def clean_on(self):
        on = self.cleaned_data.get("on")
        first, last = HOLIDAY_YEARS
        if on is not None and not first <= on.year <= last:
            # The portal's calendars and months run over these years only.
            raise forms.ValidationError(f"Choose a date between {first} and {last}.")
        return on
