"""The signed-in user's own settings (the forms call services; they hold no rule)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms

from core.zones import DEFAULT_ZONE, offset_text, zone_names


def zone_choices(default: str) -> list[tuple[str, str]]:
    """The zones to choose from, by IANA name with their offset from UTC today; first, the
    default (the organisation's duty-station zone, or UTC)."""
    now = dt.datetime.now(dt.UTC)
    return [("", f"The default: {default}")] + [
        (name, _label(name, now.astimezone(ZoneInfo(name)).utcoffset())) for name in zone_names()
    ]


def _label(name: str, offset: dt.timedelta | None) -> str:
    if name == DEFAULT_ZONE:
        return name
    return f"{name} (now UTC{offset_text(offset)})"


class TimeZoneForm(forms.Form):
    """The time zone pages show times in; its choices say what the default is."""

    # A text field shown as a list: the service decides what is a time zone (and says so).
    timezone = forms.CharField(
        label="Time zone",
        required=False,
        max_length=200,
        help_text="Times on every page are shown in this zone, named after each time.",
    )

    def __init__(self, *args, default: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget = forms.Select(choices=zone_choices(default))
