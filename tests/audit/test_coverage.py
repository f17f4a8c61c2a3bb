"""One audit mechanism for every model: each installed model is audited row by row, or
declared left out with its reason in core/audit.py; nothing is left out silently."""

import pytest
from django.apps import apps
from django.conf import settings

from core import audit
from core.audit import (
    ANONYMISED,
    ANONYMOUS,
    AUDITED,
    EXCLUDED,
    NOT_AUDITED,
    THIRD_PARTY_AUDITED,
    UNDECLARED,
    coverage,
    coverage_problem,
    coverage_problems,
    declaration_problems,
    is_project_model,
    model_label,
)
from core.models import AuditEntry
from tests.factories import UserFactory


def test_every_model_is_audited_or_declared_excluded_with_a_reason():
    problems = []
    for model in apps.get_models():
        problem = coverage_problem(model)
        if problem:
            problems.append(problem)
        kind, reason = coverage(model)
        if kind != UNDECLARED and not (reason or "").strip():
            problems.append(f"{model_label(model)} is {kind} without a reason {audit.WHERE}.")
    problems += declaration_problems()  # each names a model, once, with its reason
    assert not problems, "\n".join(problems)


def test_the_portals_models_are_audited_unless_declared():
    """A new model of a portal app is audited with no list to update."""
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        kind, _reason = coverage(model)
        label = model_label(model)
        if label in NOT_AUDITED or label.split(".")[1].startswith("historical"):
            assert kind == EXCLUDED, label
        else:
            assert kind in (AUDITED, ANONYMISED), label
    assert coverage(apps.get_model("surveys", "SurveyTemplate"))[0] == AUDITED
    assert coverage(apps.get_model("auth", "User"))[0] == AUDITED


def test_an_undeclared_third_party_model_fails_naming_it_and_what_to_do():
    without_sessions = {k: v for k, v in NOT_AUDITED.items() if k != "sessions.session"}
    (problem,) = coverage_problems(not_audited=without_sessions)
    assert problem.startswith("sessions.session ")
    assert "THIRD_PARTY_AUDITED" in problem and "NOT_AUDITED" in problem
    assert "reason" in problem


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_exclusion_without_a_reason_fails(reason):
    problems = coverage_problems(not_audited={**NOT_AUDITED, "surveys.campaign": reason})
    assert problems == [
        "surveys.campaign in NOT_AUDITED in core/audit.py has no reason: "
        "say why it is declared there."
    ]


def test_a_stale_exclusion_fails():
    problems = coverage_problems(not_audited={**NOT_AUDITED, "records.oldrow": "Gone."})
    assert len(problems) == 1
    assert "records.oldrow in NOT_AUDITED" in problems[0]
    assert "is not a model" in problems[0]
    stale = coverage_problems(anonymous={**ANONYMOUS, "surveys.ballot": "Renamed."})
    assert len(stale) == 1 and "surveys.ballot in ANONYMOUS" in stale[0]


def test_a_model_declared_twice_fails():
    problems = coverage_problems(third_party={**THIRD_PARTY_AUDITED, "axes.accesslog": "Both."})
    assert problems == [
        "axes.accesslog is declared in both NOT_AUDITED and THIRD_PARTY_AUDITED "
        "in core/audit.py: keep one."
    ]


def test_history_tables_are_left_out_as_a_family():
    historical = [m for m in apps.get_models() if m._meta.model_name.startswith("historical")]
    assert historical
    for model in historical:
        assert coverage(model) == (EXCLUDED, audit.HISTORY_TABLES)


def test_the_surveys_models_that_point_at_a_person_are_anonymous():
    """A survey model holding who answered or was asked is audited anonymously; the only
    person named elsewhere in the survey is the catalogue manager who set up a campaign."""
    curators = {("surveys.campaign", "created_by")}
    for model in apps.get_app_config("surveys").get_models():
        if coverage(model)[0] == EXCLUDED:
            continue
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            if field.related_model._meta.label != settings.AUTH_USER_MODEL:
                continue
            label = model_label(model)
            assert (label, field.name) in curators or coverage(model)[0] == ANONYMISED, (
                f"{label}.{field.name} names a person: declare {label} in ANONYMOUS in "
                f"core/audit.py, or say here why its people are not respondents."
            )


@pytest.mark.django_db
class TestThirdParty:
    def test_signing_in_writes_nothing_for_sessions_or_sign_in_attempts(self, client):
        UserFactory(username="signer")
        before = AuditEntry.objects.count()
        client.post("/accounts/login/", {"username": "signer", "password": "wrong"})
        client.post("/accounts/login/", {"username": "signer", "password": "test-pass-123"})
        assert "_auth_user_id" in client.session
        assert AuditEntry.objects.count() == before
