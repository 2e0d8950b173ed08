"""The five fixed statements of every trust pulse, so pulses compare over time.
Each is answered on a five-point scale from 1 (strongly disagree) to 5
(strongly agree)."""

STATEMENTS = (
    "I can bring a real problem here without being judged.",
    "What is said here stays here.",
    "People here answer when I ask for help.",
    "I trust the others to tell me what they really think.",
    "Taking part is worth the time it takes.",
)

SCALE = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)

DEFAULT_OPEN_QUESTION = "What would make this group more useful or more trusting for you?"

# Results never show below this many answers, whatever a community sets.
MINIMUM_RESPONDENTS = 5

# The statements as a chart's legend and a table's headings name them.
SHORT_NAMES = (
    "Bring real problems",
    "Stays here",
    "Help when asked",
    "Say what they think",
    "Worth the time",
)

# The longest a pulse may stay open, and how far apart repeats may be.
LONGEST_OPEN_DAYS = 60
REPEAT_CHOICES = (
    (0, "Once"),
    (1, "Every month"),
    (2, "Every two months"),
    (3, "Every three months (quarterly)"),
    (4, "Every four months"),
    (6, "Every six months"),
    (12, "Every year"),
)
