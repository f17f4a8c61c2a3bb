"""Test data for the support network: stored compliance results and survey answers of
any provider and month, and a small world of three providers for the advisor's
hand-computed ranking."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from catalogue.models import MinimumServiceStandard, OfferingCountry
from compliance.models import ComplianceResult
from surveys.models import Answer, Campaign, SurveyTemplate
from tests.factories import (
    ClientEntityFactory,
    DutyStationFactory,
    OfferingFactory,
    ServiceFactory,
    ServiceProviderFactory,
    StandardFactory,
    UserFactory,
)

# "Now" of the advisor's cases: 15 July 2026, so the six complete months (Nairobi and
# Kuwait alike) are January to June 2026.
NOW = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
WEEK = "2026-W10"  # no holiday on the test calendars
KUWAIT_HOURS = {
    day: ([["08:00", "16:00"]] if day in ("sun", "mon", "tue", "wed", "thu") else [])
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def month(m: int, year: int = 2026) -> dt.date:
    return dt.date(year, m, 1)


def stored_result(*, provider, standard, period, eligible, met) -> ComplianceResult:
    """A minimum-service-standard result as the engine stores it."""
    return ComplianceResult.objects.create(
        key=f"mss:{standard.pk}:{provider.pk}:{period:%Y-%m}",
        scope="mss",
        period=period,
        provider=provider,
        service=standard.service,
        standard=standard,
        kind=standard.kind,
        threshold=standard.threshold,
        clock=standard.clock,
        target_pct=standard.target_pct,
        eligible=eligible,
        met=met,
        status="met" if eligible and met * 100 >= standard.target_pct * eligible else "breached",
        provisional=False,
        computed_at=timezone.now(),
    )


def answers(*, provider, service, client, period, overall_scores) -> None:
    """Survey answers about ``provider`` and ``service`` dated in ``period``."""
    template = SurveyTemplate.objects.first() or SurveyTemplate.objects.create(
        version=99, title="Test survey"
    )
    campaign = Campaign.objects.create(
        name="Network test survey",
        template=template,
        opens_on=period,
        closes_on=period + dt.timedelta(days=27),
        status="open",
    )
    at = dt.datetime.combine(period + dt.timedelta(days=3), dt.time(9), dt.UTC)
    for overall in overall_scores:
        Answer.objects.create(
            campaign=campaign,
            respondent=UserFactory(),
            client=client,
            provider=provider,
            service=service,
            overall=overall,
            timeliness=4,
            quality=4,
            communication=4,
            ease_of_access=4,
            answered_at=at,
            answered_on=at.date(),
            answer_month=period,
            updated_at=at,
        )


def advisor_world() -> dict:
    """A client in Nairobi (KE) and three providers of one service (see test_advisor)."""
    nairobi = DutyStationFactory(code="T-NBO")
    kuwait = DutyStationFactory(
        code="T-KWI", country="KW", timezone="Asia/Kuwait", working_hours=KUWAIT_HOURS
    )
    client = ClientEntityFactory(code="TST-CLIENT-N", duty_station=nairobi, country="KE")
    service = ServiceFactory(code="TST-SVC-N")
    timeliness = StandardFactory(service=service)
    accuracy = StandardFactory(
        service=service, kind="accuracy", threshold=None, clock="", target_pct=Decimal(90)
    )
    satisfaction = MinimumServiceStandard.objects.create(
        code="TST-MSS-SAT", service=service, kind="satisfaction", target_pct=Decimal(80)
    )
    a = ServiceProviderFactory(code="TST-A", duty_station=nairobi)
    b = ServiceProviderFactory(code="TST-B", duty_station=kuwait)
    c = ServiceProviderFactory(code="TST-C", duty_station=nairobi)
    OfferingFactory(provider=a, service=service, scope="global", rate_card__rate=Decimal(10))
    offering_b = OfferingFactory(
        provider=b, service=service, scope="regional", rate_card__rate=Decimal(20)
    )
    OfferingCountry.objects.create(offering=offering_b, country="KE")
    offering_c = OfferingFactory(provider=c, service=service, scope="local", rate_card=None)
    OfferingCountry.objects.create(offering=offering_c, country="UG")
    # A: 9 of 10 (March, timeliness) + 10 of 10 (May, accuracy) = 19 of 20; outside the
    # window (December 2025, July 2026) and satisfaction results are not counted.
    stored_result(provider=a, standard=timeliness, period=month(3), eligible=10, met=9)
    stored_result(provider=a, standard=accuracy, period=month(5), eligible=10, met=10)
    stored_result(provider=a, standard=timeliness, period=month(12, 2025), eligible=10, met=0)
    stored_result(provider=a, standard=timeliness, period=month(7), eligible=10, met=0)
    stored_result(provider=a, standard=satisfaction, period=month(4), eligible=10, met=0)
    # C: 1 of 2.
    stored_result(provider=c, standard=timeliness, period=month(2), eligible=2, met=1)
    # A: 4 of 5 answers satisfied; B: 3 answers only (withheld).
    answers(provider=a, service=service, client=client, period=month(4),
            overall_scores=[5, 4, 4, 4, 2])  # fmt: skip
    answers(provider=b, service=service, client=client, period=month(4),
            overall_scores=[5, 5, 5])  # fmt: skip
    return {"client": client, "service": service, "a": a, "b": b, "c": c}
