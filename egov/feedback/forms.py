"""Forms of the rating and feedback pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.feedback.models import Feedback, Rating


class RatingForm(forms.ModelForm[Rating]):
    overall = forms.TypedChoiceField(
        label=_("Overall satisfaction"), choices=Rating.Overall.choices, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = Rating
        fields = ["overall", "timeliness", "contacts", "attitude", "lawfulness", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices, widget=forms.RadioSelect)
    about = forms.ChoiceField(
        label=_("About"), choices=Feedback.About.choices, initial=Feedback.About.GENERAL
    )
    dossier_code = forms.CharField(label=_("Dossier code"), max_length=48, required=False)
    procedure_code = forms.CharField(label=_("Procedure code"), max_length=16, required=False)
    title = forms.CharField(label=pgettext_lazy("complaint", "Title"), max_length=255)
    content = forms.CharField(label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Full name"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        about = data.get("about")
        if about == Feedback.About.DOSSIER and not data.get("dossier_code"):
            self.add_error("dossier_code", _("Enter the dossier code."))
        if about == Feedback.About.PROCEDURE and not data.get("procedure_code"):
            self.add_error("procedure_code", _("Enter the procedure code."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Information requested"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}))


class PublicationForm(forms.Form):
    """The texts the portal will show, as the reviewer corrected the suggested redaction."""

    public_title = forms.CharField(label=pgettext_lazy("complaint", "Title"), max_length=255)
    public_content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    public_answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    checked = forms.BooleanField(
        label=_(
            "I have read the three texts: no names, identification numbers, phone numbers, e-mail "
            "addresses or home addresses remain."
        )
    )
