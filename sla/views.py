"""Pages of SLAs: the scoped list, registration and editing of drafts, the SLA page with
its life-cycle actions, the agreement text ready to print, and two versions compared.

Every page starts from ``sla_queryset(user=)`` (an SLA out of the user's scope is a 404)
and every change goes through ``sla.services.agreements`` (a transition the user's role
or the SLA's status forbids is a 403).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from accounts.choices import Role
from accounts.selectors import user_scope
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.sections import page_sections
from core.views import FilteredListView
from core.zones import portal_today
from providers.models import ServiceProvider

from .choices import SlaStatus
from .filtersets import SlaFilterSet
from .forms import (
    ProviderChoiceForm,
    ReturnForm,
    SlaLinesForm,
    SlaPeriodForm,
    SlaRegisterForm,
    TerminateForm,
    default_period,
    provider_offerings,
)
from .models import Sla
from .selectors import agreement_sections, sla_comparison, sla_detail, sla_history, sla_queryset
from .services import (
    PermissionDeniedForAction,
    allowed_actions,
    sla_amend,
    sla_approve,
    sla_create,
    sla_return,
    sla_roles,
    sla_submit,
    sla_terminate,
    sla_update_draft,
)
from .tables import SLAS

# The life-cycle actions posted to ``sla:sla-action``, in the order the page offers them.
ACTIONS = ("submit", "approve", "return", "terminate", "amend")
# Shorter labels than the ones django-filter derives from the lookups ("Agreement provider").
FILTER_LABELS = {
    "q": "Number",
    "provider": "Provider",
    "client": "Client entity",
    "service": "Service",
    "ordering": "Sort by",
}


def _visible_sla(user, pk: int) -> Sla:
    try:
        return sla_detail(user=user, pk=pk)
    except Sla.DoesNotExist:
        raise Http404("No such SLA.") from None


def _forbid(request, message: str):
    """A 403 that says why (the 403 page shows the messages)."""
    messages.error(request, message)
    return PermissionDenied(message)


def _add_application_errors(form, error: ApplicationError) -> None:
    """Put a service error's field reasons beside the header fields they name."""
    for name, reasons in error.errors.items():
        if name in form.fields:
            for reason in reasons:
                form.add_error(name, reason)


class SlaListView(FilteredListView):
    """SLAs the user may see, filtered (provider, client, status, service, expiring within
    N days), sortable and paginated."""

    filterset_class = SlaFilterSet
    template_name = "sla/sla_list.html"
    context_object_name = "sla_list"
    table = SLAS
    default_ordering = ("agreement__number", "-version")

    def get_base_queryset(self):
        return sla_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        for name, label in FILTER_LABELS.items():
            if name in fields:
                fields[name].label = label
        context["can_register"] = bool(user_scope(self.request.user).registering_provider_ids)
        return context

    def empty_link(self):
        if user_scope(self.request.user).registering_provider_ids:
            return ("Register one from the common template", reverse("sla:sla-create"))
        return None


class _DraftFormView(LoginRequiredMixin, View):
    """Shared by registration and editing: header form + lines form, one page."""

    template_name = "sla/sla_form.html"

    several_providers = False

    def render_form(self, request, *, header, lines, provider, sla=None, error=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": header,
                "lines": lines,
                "provider": provider,
                "sla": sla,
                "error": error,
                "invalid": status == 400,
                "several_providers": self.several_providers,
            },
            status=status,
        )


class SlaCreateView(_DraftFormView):
    """Register a draft for one of the user's providers; a user with several providers
    first chooses which (``?provider=CODE``)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.providers = ServiceProvider.objects.filter(
            pk__in=user_scope(request.user).registering_provider_ids
        ).order_by("code")
        if not self.providers:
            raise _forbid(request, "Only provider staff and managers register SLAs.")
        self.several_providers = len(self.providers) > 1
        return super().dispatch(request, *args, **kwargs)

    def _provider(self, code):
        if len(self.providers) == 1:
            return self.providers[0]
        return next((p for p in self.providers if p.code == code), None)

    def get(self, request):
        provider = self._provider(request.GET.get("provider"))
        if provider is None:
            chooser = ProviderChoiceForm(request.GET or None, providers=self.providers)
            return render(request, self.template_name, {"chooser": chooser})
        header = SlaRegisterForm(
            initial={"provider": provider.code, **default_period(portal_today())},
            providers=self.providers,
        )
        lines = SlaLinesForm(offerings=provider_offerings(provider))
        return self.render_form(request, header=header, lines=lines, provider=provider)

    def post(self, request):
        provider = self._provider(request.POST.get("provider"))
        if provider is None:
            raise Http404("Choose one of your providers.")
        data = request.POST.copy()
        data["provider"] = provider.code
        header = SlaRegisterForm(data, providers=self.providers)
        lines = SlaLinesForm(offerings=provider_offerings(provider), data=data)
        if header.is_valid() & lines.is_valid():  # both run, so every error shows
            values = header.cleaned_data
            try:
                sla = sla_create(
                    user=request.user,
                    provider=values["provider"],
                    client=values["client"],
                    start_date=values["start_date"],
                    end_date=values["end_date"],
                    notes=values["notes"],
                    lines=lines.line_inputs,
                )
            except ApplicationError as exc:
                _add_application_errors(header, exc)
                lines.mark_errors(exc)
                return self.render_form(
                    request, header=header, lines=lines, provider=provider, error=exc, status=400
                )
            messages.success(
                request,
                f"Draft {sla} registered. Check it, then submit it for signature.",
            )
            return redirect("sla:sla-detail", pk=sla.pk)
        return self.render_form(request, header=header, lines=lines, provider=provider, status=400)


class SlaEditView(_DraftFormView):
    """Change a draft's period, notes, lines and targets (only drafts, only the provider)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.sla = _visible_sla(request.user, kwargs["pk"])
        if "edit" not in allowed_actions(sla=self.sla, user=request.user):
            raise _forbid(
                request,
                f"You cannot edit {self.sla} while it is {self.sla.get_status_display().lower()}.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        sla = self.sla
        header = SlaPeriodForm(
            initial={"start_date": sla.start_date, "end_date": sla.end_date, "notes": sla.notes}
        )
        lines = SlaLinesForm(offerings=provider_offerings(sla.agreement.provider), sla=sla)
        return self.render_form(
            request, header=header, lines=lines, provider=sla.agreement.provider, sla=sla
        )

    def post(self, request, pk):
        sla = self.sla
        provider = sla.agreement.provider
        header = SlaPeriodForm(request.POST)
        lines = SlaLinesForm(offerings=provider_offerings(provider), data=request.POST, sla=sla)
        if header.is_valid() & lines.is_valid():  # both run, so every error shows
            values = header.cleaned_data
            try:
                sla_update_draft(
                    sla=sla,
                    user=request.user,
                    start_date=values["start_date"],
                    end_date=values["end_date"],
                    notes=values["notes"],
                    lines=lines.line_inputs,
                )
            except PermissionDeniedForAction as exc:
                raise _forbid(request, exc.message) from None
            except ApplicationError as exc:
                _add_application_errors(header, exc)
                lines.mark_errors(exc)
                return self.render_form(
                    request,
                    header=header,
                    lines=lines,
                    provider=provider,
                    sla=sla,
                    error=exc,
                    status=400,
                )
            messages.success(request, f"Draft {sla} saved.")
            return redirect("sla:sla-detail", pk=sla.pk)
        return self.render_form(
            request, header=header, lines=lines, provider=provider, sla=sla, status=400
        )


def _detail_context(request, sla: Sla, **forms) -> dict:
    actions = allowed_actions(sla=sla, user=request.user)
    versions = (
        sla_queryset(user=request.user)
        .filter(agreement_id=sla.agreement_id)
        .exclude(pk=sla.pk)
        .order_by("-version")
    )
    return {
        "sla": sla,
        "actions": actions,
        "versions": versions,
        "history": sla_history(sla=sla),
        # The compliance app adds its month-by-month section here (core.sections).
        "sections": page_sections("sla.detail", request, sla),
        "return_form": forms.get("return_form") or ReturnForm(),
        "terminate_form": forms.get("terminate_form") or TerminateForm(),
    }


class SlaDetailView(LoginRequiredMixin, View):
    """An SLA: parties, period, lines and targets, signatures, versions, history, and one
    form per action the user may take now."""

    def get(self, request, pk):
        sla = _visible_sla(request.user, pk)
        return render(request, "sla/sla_detail.html", _detail_context(request, sla))


class SlaSignView(LoginRequiredMixin, View):
    """What the user is about to sign, summed up, and the button that signs: a signature
    cannot be taken back."""

    def get(self, request, pk):
        sla = _visible_sla(request.user, pk)
        if "approve" not in allowed_actions(sla=sla, user=request.user):
            raise _forbid(request, f"You cannot sign {sla} now.")
        roles = sla_roles(sla=sla, user=request.user)
        side = (
            "client"
            if Role.CLIENT_FOCAL_POINT in roles and not sla.client_signed_at
            else ("provider")
        )
        return render(request, "sla/sla_sign.html", {"sla": sla, "side": side})


class SlaActionView(LoginRequiredMixin, View):
    """POST a life-cycle action (submit, approve, return, terminate, amend) to the services."""

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404("No such action.")
        pk = int(pk)
        sla = _visible_sla(request.user, pk)
        form = None
        try:
            if action == "submit":
                sla = sla_submit(sla=sla, user=request.user)
                messages.success(request, f"{sla} submitted for signature.")
            elif action == "approve":
                sla = sla_approve(sla=sla, user=request.user)
                if sla.status == SlaStatus.SUBMITTED:
                    messages.success(
                        request, f"You signed {sla}; it waits for the other party's signature."
                    )
                else:
                    messages.success(
                        request, f"{sla} approved by both parties: {sla.get_status_display()}."
                    )
            elif action == "return":
                form = ReturnForm(request.POST)
                if form.is_valid():
                    sla = sla_return(
                        sla=sla, user=request.user, comment=form.cleaned_data["comment"]
                    )
                    messages.success(request, f"{sla} returned to draft.")
            elif action == "terminate":
                form = TerminateForm(request.POST)
                if form.is_valid():
                    sla = sla_terminate(
                        sla=sla,
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                        termination_date=form.cleaned_data["termination_date"],
                    )
                    messages.success(request, f"{sla} terminated.")
            elif action == "amend":
                amendment = sla_amend(sla=sla, user=request.user)
                messages.success(
                    request,
                    f"Amendment {amendment} started as a draft: change it, then submit it.",
                )
                return redirect("sla:sla-detail", pk=amendment.pk)
        except PermissionDeniedForAction as exc:
            raise _forbid(request, exc.message) from None
        except ApplicationError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("sla:sla-detail", pk=sla.pk)
            add_refusal(form, exc)
        if form is not None and form.errors:
            # A fresh read: the failed service call stored nothing.
            sla = _visible_sla(request.user, pk)
            context = _detail_context(request, sla, **{f"{action}_form": form})
            context["open_action"] = action
            return render(request, "sla/sla_detail.html", context, status=400)
        return redirect("sla:sla-detail", pk=sla.pk)


class SlaAgreementView(LoginRequiredMixin, View):
    """The agreement text from its template version, section by section, ready to print."""

    def get(self, request, pk):
        sla = _visible_sla(request.user, pk)
        return render(
            request,
            "sla/sla_agreement.html",
            {
                "sla": sla,
                "sections": agreement_sections(sla=sla),
                "is_draft": sla.status in (SlaStatus.DRAFT, SlaStatus.SUBMITTED),
            },
        )


class SlaCompareView(LoginRequiredMixin, View):
    """Two versions of the same agreement side by side, differing rows highlighted."""

    def get(self, request, pk, other):
        left = _visible_sla(request.user, pk)
        right = _visible_sla(request.user, other)
        if left.agreement_id != right.agreement_id:
            raise Http404("Only versions of the same agreement are compared.")
        if left.version > right.version:
            left, right = right, left
        return render(
            request,
            "sla/sla_compare.html",
            {
                "left": left,
                "right": right,
                "rows": sla_comparison(left=left, right=right),
                "back_url": reverse("sla:sla-detail", args=[pk]),
            },
        )
