from django import forms
from django.conf import settings


class RecordImportForm(forms.Form):
    """Upload a CSV file of service records (DOMAIN §4 columns)."""

    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row: external_ref, provider, client, service, "
        "received_at, completed_at, status, pauses, defective.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.RECORD_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.0f} MB; the limit is "
                f"{limit / 1048576:.0f} MB. Split it, or ask for a command-line import."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Upload a .csv file.")
        return upload


class RecordImportConfirmForm(forms.Form):
    keep_good_rows = forms.BooleanField(
        required=False, label="Store the valid rows and leave out the rows with errors"
    )
