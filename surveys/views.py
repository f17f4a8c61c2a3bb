"""Pages of the survey: campaigns, answering (client focal points), the anonymous results
with their export, and opening/closing a campaign (catalogue managers).

Every page starts from the scoped selectors (an invisible campaign is a 404) and every
change goes through ``surveys.services``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from accounts.selectors import user_scope
from clients.models import ClientEntity
from compliance.choices import MIN_ANSWERS_SHOWN
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.views import FilteredListView

from .choices import SCORE_FIELDS, CampaignStatus
from .exports import results_file
from .filtersets import CampaignFilterSet, ResultFilterForm
from .forms import AnswerForm, CampaignForm
from .models import Answer, Campaign
from .selectors import answerable_offerings, campaign_detail, campaign_queryset
from .services import (
    AnswerInput,
    answer_submit,
    campaign_close,
    campaign_create,
    campaign_open,
)
from .tables import CAMPAIGNS


def _visible_campaign(user, pk: int) -> Campaign:
    try:
        return campaign_detail(user=user, pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign.") from None


def _answering_clients(user, campaign: Campaign):
    """The invited entities the user is a focal point of (what they may answer for)."""
    invited = [c.pk for c in campaign.clients.all()]
    return ClientEntity.objects.filter(
        pk__in=user_scope(user).answering_client_ids(invited)
    ).order_by("code")


class CampaignListView(FilteredListView):
    """The campaigns the user may see: invitations for client focal points, campaigns
    about their services for providers, every campaign for the central roles."""

    filterset_class = CampaignFilterSet
    template_name = "surveys/campaign_list.html"
    context_object_name = "campaign_list"
    table = CAMPAIGNS
    default_ordering = ("-opens_on", "-id")

    def get_base_queryset(self):
        return campaign_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_curator"] = user_scope(self.request.user).runs_survey_campaigns
        return context


class CampaignDetailView(LoginRequiredMixin, View):
    """A campaign: what it asks about and, for a focal point, their answers so far."""

    def get(self, request, pk):
        campaign = _visible_campaign(request.user, pk)
        clients = _answering_clients(request.user, campaign)
        rows = answerable_offerings(user=request.user, campaign=campaign) if clients else []
        return render(
            request,
            "surveys/campaign_detail.html",
            {
                "campaign": campaign,
                "rows": rows,
                "can_answer": bool(clients) and campaign.is_open,
                "is_respondent": bool(clients),
                "is_curator": user_scope(request.user).runs_survey_campaigns,
                "answered": sum(1 for _, a in rows if a),
            },
        )


class AnswerView(LoginRequiredMixin, View):
    """Answer (or change one's answer) about one provider's service in a campaign."""

    def setup_answer(self, request, pk, offering):
        campaign = _visible_campaign(request.user, pk)
        found = next((o for o in campaign.offerings.all() if o.pk == offering), None)
        clients = _answering_clients(request.user, campaign)
        if found is None or not clients:
            raise Http404("Nothing to answer here.")
        answer = Answer.objects.filter(
            campaign=campaign,
            respondent=request.user,
            provider_id=found.provider_id,
            service_id=found.service_id,
        ).first()
        return campaign, found, clients, answer

    def render_form(self, request, campaign, offering, form, answer, status=200):
        return render(
            request,
            "surveys/answer_form.html",
            {"campaign": campaign, "offering": offering, "form": form, "answer": answer},
            status=status,
        )

    def get(self, request, pk, offering):
        campaign, offering, clients, answer = self.setup_answer(request, pk, offering)
        initial = {}
        if answer is not None:
            initial = {name: getattr(answer, name) for name in (*SCORE_FIELDS, "comment")}
            initial["client"] = answer.client.code if answer.client_id else None
        form = AnswerForm(initial=initial, template=campaign.template, clients=clients)
        return self.render_form(request, campaign, offering, form, answer)

    def post(self, request, pk, offering):
        campaign, offering, clients, answer = self.setup_answer(request, pk, offering)
        form = AnswerForm(request.POST, template=campaign.template, clients=clients)
        if form.is_valid():
            values = form.cleaned_data
            try:
                answer_submit(
                    user=request.user,
                    campaign=campaign,
                    offering=offering,
                    client=values.get("client"),
                    data=AnswerInput(**{k: values.get(k) for k in (*SCORE_FIELDS, "comment")}),
                )
            except ApplicationError as exc:
                add_refusal(form, exc)
                return self.render_form(request, campaign, offering, form, answer, status=400)
            messages.success(
                request,
                f"Thank you: your answer about {offering.provider.code} · "
                f"{offering.service.code} is saved. You can change it until the survey closes.",
            )
            return redirect("surveys:campaign-detail", pk=campaign.pk)
        return self.render_form(request, campaign, offering, form, answer, status=400)


class CampaignCreateView(LoginRequiredMixin, View):
    """Prepare a campaign (catalogue managers): a draft, opened from its page."""

    template_name = "surveys/campaign_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).runs_survey_campaigns:
            raise PermissionDenied("Only catalogue managers run survey campaigns.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CampaignForm()})

    def post(self, request):
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    user=request.user,
                    name=data["name"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    reminder_every_days=data["reminder_every_days"],
                    offerings=list(data["offerings"]),
                    clients=list(data["clients"]),
                )
            except (ApplicationError, ValidationError) as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, "Campaign prepared as a draft: open it when it is ready.")
                return redirect("surveys:campaign-detail", pk=campaign.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class CampaignActionView(LoginRequiredMixin, View):
    """Open or close a campaign (catalogue managers)."""

    def post(self, request, pk, action):
        campaign = _visible_campaign(request.user, pk)
        if not user_scope(request.user).runs_survey_campaigns:
            messages.error(request, "Only catalogue managers run survey campaigns.")
            raise PermissionDenied("Only catalogue managers run survey campaigns.")
        service = campaign_open if action == "open" else campaign_close
        try:
            service(campaign=campaign, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            done = "opened: the focal points are invited" if action == "open" else "closed"
            messages.success(request, f"Campaign {done}.")
        return redirect("surveys:campaign-detail", pk=campaign.pk)


class ResultsView(LoginRequiredMixin, View):
    """The anonymous results, filtered and paginated, with CSV/XLSX export."""

    paginate_by = 25

    def get(self, request):
        form = ResultFilterForm(request.GET or None)
        valid = not form.is_bound or form.is_valid()
        if not form.is_bound:
            form.cleaned_data = {}
        cells = form.results(user=request.user) if valid else []
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and valid:
            return results_file(cells, export)
        page = Paginator(cells, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return render(
            request,
            "surveys/results.html",
            {
                "filterset": {"form": form},  # what the filter include reads
                "cells": page.object_list,
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.paginator.num_pages > 1,
                "query_without_page": query.urlencode(),
                "is_filtered": any(v for k, v in query.items()),
                "min_answers": MIN_ANSWERS_SHOWN,
                "statuses": CampaignStatus,
            },
        )
