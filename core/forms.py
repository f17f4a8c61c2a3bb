"""What every page's forms share: showing a service's refusals, and rendering."""

from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

from .exceptions import ApplicationError


def add_refusal(form, refusal: ApplicationError | ValidationError) -> None:
    """Show a service's refusal on ``form``: each reason beside the field it names, the
    others above the form with the refusal's message. Takes the ``ApplicationError`` a
    service raises, or the ``ValidationError`` of a model's ``full_clean``."""
    if isinstance(refusal, ValidationError):
        errors = refusal.message_dict if hasattr(refusal, "error_dict") else {}
        message = "" if errors else " ".join(refusal.messages)
    else:
        errors, message = refusal.errors, refusal.message
    if message:
        form.add_error(None, message)
    for name, reasons in errors.items():
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)


SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class PortalFormRenderer(DjangoTemplates):
    """Django's form renderer, except that a ``<select>`` is written in Python.

    Django renders each ``<option>`` through its own template. A filter form that lists
    the client entities, the services and the providers has a few hundred options, and
    rendering them that way made the whole form 2–2.5 times slower
    (``benchmarks/filter_forms.py``); the load test found the filter forms taking a third
    of list pages' time. The markup is the same as the templates', character for
    character (tested)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and widget is not None and _plain_options(widget):
            return _select(widget)
        return super().render(template_name, context, request=request)


def _plain_options(widget) -> bool:
    return all(
        option["template_name"] == OPTION
        for _, options, _ in widget["optgroups"]
        for option in options
    )


def _text(value) -> str:
    # What ``{{ value|stringformat:'s' }}`` gives with autoescaping.
    return conditional_escape(value) if isinstance(value, SafeData) else escape(str(value))


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its
    # name alone.
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_text(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
            # (the option template ends with a line break)
            f"{conditional_escape(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    # Every value above went through escape() or conditional_escape().
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
