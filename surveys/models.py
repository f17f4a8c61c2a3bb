"""The common client satisfaction survey (DOMAIN §1, §5): the template curated by catalogue
managers, campaigns sent to client entities, invitations to their focal points, and the
answers that feed the satisfaction standards and SLA targets."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .choices import SATISFIED_FROM, CampaignStatus

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyTemplate(models.Model):
    """One version of the common survey: the wording of its questions. A campaign asks the
    version it was created with; a version already used by a campaign is never changed
    (a new version is added instead), so answers always match the questions asked."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    overall_question = models.CharField(
        max_length=300, default="Overall, how satisfied are you with this service?"
    )
    timeliness_question = models.CharField(
        max_length=300, default="How satisfied are you with the timeliness of delivery?"
    )
    quality_question = models.CharField(
        max_length=300, default="How satisfied are you with the quality of the service?"
    )
    communication_question = models.CharField(
        max_length=300, default="How satisfied are you with the provider's communication?"
    )
    ease_of_access_question = models.CharField(
        max_length=300, default="How easy is it to ask for and follow up on the service?"
    )
    comment_question = models.CharField(
        max_length=300, default="Anything else you want the provider to know? (optional)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def clean(self):
        if self.pk and Campaign.objects.filter(template_id=self.pk).exists():
            raise ValidationError(
                "This version is used by a campaign: add a new version instead of changing it."
            )


class Campaign(models.Model):
    """One round of the survey: the period it runs, the provider services it asks about
    (offerings) and the client entities invited. Answers count for compliance in the month
    they are given (DOMAIN §5)."""

    name = models.CharField(max_length=200)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="campaigns")
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="Last day answers are taken; closed the day after.")
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    offerings = models.ManyToManyField(
        "catalogue.Offering", related_name="+", help_text="The provider services asked about."
    )
    clients = models.ManyToManyField(
        "clients.ClientEntity", related_name="+", help_text="The client entities invited."
    )
    reminder_every_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Those who have not answered are reminded once every this many days.",
    )
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="%(app_label)s_%(class)s_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.opens_on:%Y-%m-%d} – {self.closes_on:%Y-%m-%d})"

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "The campaign closes before it opens."})

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class Invitation(models.Model):
    """A focal point of an invited entity, asked to answer a campaign. ``reminder_round``
    is the last reminder round they were sent, so each round reminds each person once.

    Audited anonymously (``core.audit.ANONYMOUS``): it names a person, one is created as a
    focal point who was not invited answers, and its reminder round tells who has not
    answered, so its audit entries name neither the person nor any value.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.ClientEntity", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField()
    reminder_round = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "client", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user", "client"], name="%(app_label)s_%(class)s_unique_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.user} ({self.client_id})"


class Answer(models.Model):
    """One person's answer about one provider's service in one campaign (one per person,
    provider and service, changeable until the campaign closes).

    ``answered_on`` is the local date, in the provider's time zone, the answer was first
    given: the month it counts in for compliance (DOMAIN §5). Individual answers are seen
    only by their author; everyone else sees aggregates (``selectors.results``).

    Audited anonymously (``core.audit.ANONYMOUS``) for the same reason: its audit entries
    say an answer was given, changed or deleted, and when, but not by whom nor what.
    ``Campaign.created_by`` is the catalogue manager who set the campaign up, not a
    respondent: campaigns and templates are audited as usual.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("clients.ClientEntity", on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(
        "providers.ServiceProvider", on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    overall = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    timeliness = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    quality = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    communication = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    ease_of_access = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    comment = models.TextField(blank=True, max_length=2000)
    answered_at = models.DateTimeField()
    answered_on = models.DateField(help_text="Local date in the provider's time zone.")
    answer_month = models.DateField(help_text="First day of the month of answered_on.")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign", "provider", "service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "respondent", "provider", "service"],
                name="%(app_label)s_%(class)s_unique_per_person",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"%(app_label)s_%(class)s_{name}_range",
                )
                for name in ("overall", "timeliness", "quality", "communication", "ease_of_access")
            ],
        ]
        indexes = [models.Index(fields=["provider", "answer_month", "service"])]

    def __str__(self) -> str:
        return f"Answer {self.pk} ({self.campaign_id})"

    @property
    def satisfied(self) -> bool:
        return self.overall >= SATISFIED_FROM
