from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.topics.services import MAX_TITLE, MAX_WHY


class TopicForm(forms.Form):
    """Nominating and editing a topic. The areas come from the community; when
    it names none, the field is left out."""

    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        help_text=_('A question or a theme, e.g. "How do you budget for cloud costs?"'),
        error_messages={"required": _("Give the topic a title: a question or a theme.")},
    )
    why = forms.CharField(
        label=_("Why it matters"),
        required=False,
        max_length=MAX_WHY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you hope to learn, or why now. Optional."),
    )
    area = forms.ChoiceField(
        label=_("Topic area"),
        error_messages={
            "required": _("Choose the topic area it belongs to."),
            "invalid_choice": _("Choose one of the topic areas in the list."),
        },
    )

    def __init__(self, *args, community, current_area: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        areas = [str(a) for a in (community.topic_areas or [])]
        if current_area and current_area not in areas:
            areas.append(current_area)  # an area the community has since renamed
        if areas:
            self.fields["area"].choices = [
                ("", gettext("Choose an area")),
                *((a, a) for a in areas),
            ]
        else:
            del self.fields["area"]

    def topic_fields(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "why": data.get("why", ""), "area": data.get("area", "")}
