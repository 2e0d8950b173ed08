"""Reading a position from the first lines of a mail reply: the word on the
first line, in any case and with any punctuation or "I" before it, and the
reason under it; everything else is refused with a way to answer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copse.decisions.mail import DECORATION, MAX_REASON, SEPARATORS, read_answer
from copse.mailing.quoting import trim

STANCES = {"agree": "agree", "abstain": "abstain", "disagree": "disagree", "block": "block"}
punctuation = st.text(alphabet=".!:;,-—*_\"'“”()[] ", max_size=4)
reason_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=300
).filter(lambda text: text.strip())


def _cased(word: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(word, flips, strict=False))


@given(
    word=st.sampled_from(sorted(STANCES)),
    flips=st.lists(st.booleans(), min_size=8, max_size=8),
    before=punctuation,
    after=punctuation,
    with_i=st.booleans(),
    reason=reason_text,
)
def test_the_word_on_the_first_line_is_read_whatever_its_case_and_punctuation(
    word, flips, before, after, with_i, reason
):
    first = f"{before}{'I ' if with_i else ''}{_cased(word, flips)}{after}"
    reading = read_answer(f"{first}\n{reason}")
    assert reading.problem == ""
    assert reading.stance == STANCES[word]
    assert reading.reason == reason.strip()


@given(text=st.text(max_size=400))
def test_any_text_is_read_or_refused_never_an_error(text):
    reading = read_answer(text)
    assert bool(reading.stance) != bool(reading.problem)
    if reading.stance == "block":
        assert reading.reason


@given(
    word=st.sampled_from(sorted(STANCES)),
    reason=reason_text.map(lambda text: " ".join(text.split())).filter(
        # A reason that begins with a separator loses it; one of only
        # decoration is no reason.
        lambda text: text[0] not in SEPARATORS and text.strip(DECORATION)
    ),
)
def test_a_reason_may_begin_on_the_first_line_after_punctuation(word, reason):
    reading = read_answer(f"{word.title()}: {reason}")
    assert (reading.stance, reading.reason) == (STANCES[word], reason)


@pytest.mark.parametrize(
    "first",
    [
        "I agree with the block",  # the word must end the statement
        "I don't agree",
        "Not agree",
        "agreement in principle",
        "Blocking this",
        "Thanks for writing this up",
        "+1",
        "",
    ],
)
def test_what_is_not_a_position_is_refused_with_how_to_answer(first):
    reading = read_answer(f"{first}\nSome more words.")
    assert reading.stance == ""
    assert 'first line: "agree", "abstain", "disagree" or "block"' in reading.problem or (
        "empty" in reading.problem
    )


def test_agreed_reads_as_agree():
    assert read_answer("Agreed.").stance == "agree"


def test_a_block_without_a_reason_is_refused():
    reading = read_answer("BLOCK!\n\n")
    assert reading.stance == "" and "A block needs a reason" in reading.problem


def test_the_reason_keeps_its_lines_and_a_long_one_is_refused():
    reading = read_answer("\n\nDisagree\nThe budget is spent.\n\nNext year, maybe.\n")
    assert reading.stance == "disagree"
    assert reading.reason == "The budget is spent.\n\nNext year, maybe."
    long = read_answer("agree\n" + "x" * (MAX_REASON + 1))
    assert long.stance == "" and f"longer than {MAX_REASON}" in long.problem


def test_a_reply_above_the_quoted_proposal_is_read_without_the_quote():
    """The words arrive through the same trimming as replies to threads."""
    written = (
        "Block\nWe promised the auditors a freeze until June.\n\n"
        "On Tue, 3 Jun 2025, Copse <noreply@copse.example> wrote:\n"
        "> Maria Lopez asks CIO CoP to decide.\n> Agree with moving the meeting\n"
        "\n-- \nPriya\n"
    )
    reading = read_answer(trim(written))
    assert reading.stance == "block"
    assert reading.reason == "We promised the auditors a freeze until June."


ids = st.integers(min_value=1, max_value=2**32)
counts = st.integers(min_value=1, max_value=2**16)


@given(user=ids, proposal=ids, revision=counts, version=counts, at=st.integers(min_value=0))
def test_an_answer_token_reads_back_in_any_case_and_not_with_one_character_changed(
    user, proposal, revision, version, at
):
    from copse.mailing import tokens

    token = tokens.answer_token(
        "decide", user_id=user, object_id=proposal, state=revision, version=version
    )
    assert len(f"decide+{token}") <= 64  # RFC 5321's local part
    expected = tokens.AnswerToken(user, proposal, revision, version)
    assert tokens.read_answer_token("decide", token.upper()) == expected
    assert tokens.read_reply_token(token) is None
    at %= len(token)
    changed = token[:at] + ("0" if token[at] != "0" else "1") + token[at + 1 :]
    assert tokens.read_answer_token("decide", changed) is None


@pytest.mark.parametrize(
    ("first", "stance"),
    [
        ("D'accord", "agree"),
        ("d’accord.", "agree"),
        ("Je suis d'accord !", "agree"),
        ("Abstention", "abstain"),
        ("Pas d'accord", "disagree"),
        ("PAS D’ACCORD : trop cher", "disagree"),
        ("Objection", "block"),
        ("Je bloque", "block"),
        ("**Bloque**", "block"),
    ],
)
def test_the_french_words_are_read_too(first, stance):
    reading = read_answer(f"{first}\nLe budget est déjà engagé.")
    assert reading.problem == ""
    assert reading.stance == stance
    assert reading.reason.endswith("Le budget est déjà engagé.")


@pytest.mark.parametrize("first", ["D'accord avec l'objection", "Objections", "Bloquer"])
def test_a_french_word_must_end_the_statement_too(first):
    assert read_answer(f"{first}\nraison").stance == ""


def test_a_french_objection_needs_a_reason():
    reading = read_answer("Objection")
    assert reading.stance == "" and "block needs a reason" in reading.problem
