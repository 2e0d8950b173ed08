"""The five fixed statements of every trust pulse, so pulses compare over time.
Each is answered on a five-point scale from 1 (strongly disagree) to 5
(strongly agree)."""

from django.utils.translation import gettext_lazy as _

STATEMENTS = (
    _("I can bring a real problem here without being judged."),
    _("What is said here stays here."),
    _("People here answer when I ask for help."),
    _("I trust the others to tell me what they really think."),
    _("Taking part is worth the time it takes."),
)

SCALE = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)

# Stored as written here (the model's default, and what the form's suggestion
# is saved as when left unchanged); shown in each reader's language
# (`Pulse.question`).
DEFAULT_OPEN_QUESTION = "What would make this group more useful or more trusting for you?"
DEFAULT_OPEN_QUESTION_SHOWN = _("What would make this group more useful or more trusting for you?")

# Results never show below this many answers, whatever a community sets.
MINIMUM_RESPONDENTS = 5

# The statements as a chart's legend and a table's headings name them.
SHORT_NAMES = (
    _("Bring real problems"),
    _("Stays here"),
    _("Help when asked"),
    _("Say what they think"),
    _("Worth the time"),
)

# The longest a pulse may stay open, and how far apart repeats may be.
LONGEST_OPEN_DAYS = 60
REPEAT_CHOICES = (
    (0, _("Once")),
    (1, _("Every month")),
    (2, _("Every two months")),
    (3, _("Every three months (quarterly)")),
    (4, _("Every four months")),
    (6, _("Every six months")),
    (12, _("Every year")),
)
