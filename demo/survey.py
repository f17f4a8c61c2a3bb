"""A demo survey campaign for the embedded default (labelled demo): open this month,
asking UNEP, UN-Habitat and UNAMA about UNON's and KJSO's travel services, with demo
respondents' answers going through the real services. Running it again changes nothing.

UNON's cell gets six answers (shown); KJSO's three (hidden: below the anonymity
threshold). ``demo-client-unep`` has not answered, to try the survey.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model

from accounts.choices import Role
from accounts.services import grant_role, upsert_user
from catalogue.models import Offering
from clients.models import ClientEntity
from compliance.engine import compute_provider_month, shards_to_compute
from core.zones import portal_today
from surveys.models import Campaign
from surveys.services import AnswerInput, answer_submit, campaign_create, campaign_open

DEMO_COMMENTS = (
    "Tickets were issued quickly, thank you.",
    "Hard to reach the travel desk by phone.",
    "",
    "Good follow-up on the change of itinerary.",
)
# (client, provider, respondents)
RESPONDENTS = (("UNEP", "UNON", 6), ("UNAMA", "KJSO", 3))


def seed_demo_survey(*, password: str, today: dt.date | None = None) -> str:
    today = today or portal_today()
    name = f"Demo client survey {today:%B %Y}"
    if Campaign.objects.filter(name=name, is_demo=True).exists():
        return "survey: kept"
    curator = get_user_model().objects.get(username="demo-catalogue")
    people = {}
    for client_code, _provider, count in RESPONDENTS:
        client = ClientEntity.objects.get(code=client_code)
        people[client_code] = []
        for n in range(1, count + 1):
            username = f"demo-respondent-{client_code.lower()}-{n}"
            user = upsert_user(
                username=username,
                password=password,
                first_name="Demo",
                last_name=f"Respondent {n}, {client_code}",
                email=f"{username}@demo.invalid",
            )
            grant_role(user=user, role=Role.CLIENT_FOCAL_POINT, client=client, is_demo=True)
            people[client_code].append(user)
    offerings = {
        code: Offering.objects.select_related("provider__duty_station", "service").get(
            provider__code=code, service__code="TRV-OFF"
        )
        for code in ("UNON", "KJSO")
    }
    campaign = campaign_create(
        user=curator,
        name=name,
        opens_on=today.replace(day=1),
        closes_on=today + dt.timedelta(days=21),
        offerings=list(offerings.values()),
        clients=list(ClientEntity.objects.filter(code__in=("UNEP", "UN-HABITAT", "UNAMA"))),
        is_demo=True,
    )
    campaign = campaign_open(campaign=campaign, user=curator)
    rng = random.Random(today.toordinal())  # noqa: S311 - demo data, not security
    for client_code, provider_code, _count in RESPONDENTS:
        for user in people[client_code]:
            answer_submit(
                user=user,
                campaign=campaign,
                offering=offerings[provider_code],
                data=AnswerInput(
                    overall=rng.choice((3, 4, 4, 5, 5)),
                    timeliness=rng.choice((2, 3, 4, 5)),
                    quality=rng.choice((3, 4, 5)),
                    communication=rng.choice((2, 3, 4, 5)),
                    ease_of_access=rng.choice((3, 4, 5)),
                    comment=rng.choice(DEMO_COMMENTS),
                ),
            )
    shards = shards_to_compute()
    for provider_id, month in shards:
        compute_provider_month(provider_id=provider_id, month=month, trigger="demo")
    return f"survey: 1 demo campaign open, {sum(c for *_, c in RESPONDENTS)} demo answers."
