"""Pages of integration tokens: a catalogue manager's or provider manager's own tokens,
a form that creates one (and shows it once), and revoking."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.selectors import user_scope
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.views import FilteredListView

from .filtersets import IntegrationTokenFilterSet
from .forms import IntegrationTokenForm
from .selectors import token_queryset
from .services import token_create, token_revoke
from .tables import TOKENS

REFUSAL = "Only catalogue managers and provider managers create integration tokens."


class TokenIssuerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).issues_tokens:
            raise PermissionDenied(REFUSAL)
        return super().dispatch(request, *args, **kwargs)


class TokenListView(TokenIssuerMixin, FilteredListView):
    """The user's tokens, newest first; paginated, sortable."""

    filterset_class = IntegrationTokenFilterSet
    template_name = "integrations/token_list.html"
    table = TOKENS
    default_ordering = ("-created_at", "-id")

    def get_base_queryset(self):
        return token_queryset(user=self.request.user)

    def get_table(self, objects, *, filtered=False):
        now = timezone.now()
        for token in objects:
            token.now = now
        return super().get_table(objects, filtered=filtered)


class TokenCreateView(TokenIssuerMixin, View):
    """Create a token; the page that answers shows it once (it is stored nowhere)."""

    template_name = "integrations/token_form.html"

    def get(self, request):
        form = IntegrationTokenForm(scope=user_scope(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = IntegrationTokenForm(request.POST, scope=user_scope(request.user))
        if form.is_valid():
            try:
                token, clear = token_create(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                response = render(
                    request, "integrations/token_created.html", {"token": token, "clear": clear}
                )
                response["Cache-Control"] = "no-store"
                return response
        return render(request, self.template_name, {"form": form}, status=400)


class TokenRevokeView(TokenIssuerMixin, View):
    """POST: revoke one of the user's tokens (another user's is a 404)."""

    def post(self, request, pk):
        token = get_object_or_404(token_queryset(user=request.user), pk=pk)
        token_revoke(token=token, user=request.user)
        messages.success(request, f"Token “{token.name}” revoked: it opens nothing any more.")
        return redirect("integrations:token-list")
