"""Compliance results told in sentences, for notifications and the work inbox: "UNON
missed the Travel standard in November 2026: 86% on time, target 90%"."""

import datetime as dt
from decimal import Decimal

from catalogue.choices import MeasureKind

_MET = {
    MeasureKind.TIMELINESS: "on time",
    MeasureKind.ACCURACY: "without correction",
    MeasureKind.SATISFACTION: "satisfied",
}


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def breach_sentence(
    *,
    provider: str,
    service: str,
    agreement: str | None,
    kind: str,
    period: dt.date,
    met: int,
    eligible: int,
    target_pct: Decimal,
) -> str:
    """One breached result in a sentence (the figure rounded to a whole per cent)."""
    what = f"the {service} target of SLA {agreement}" if agreement else f"the {service} standard"
    share = round(Decimal(met) * 100 / eligible) if eligible else 0
    return (
        f"{provider} missed {what} in {period:%B %Y}: {share}% {_MET.get(kind, 'met')} "
        f"({met} of {eligible}), target {_pct(Decimal(target_pct))}"
    )


def breaches_url(*, provider: str, period: dt.date) -> str:
    """The portal's page of a provider's breaches in a month."""
    return f"/compliance/?provider={provider}&period={period:%Y-%m}&status=breached"
