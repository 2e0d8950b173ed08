"""The section-merge rule keeps every writer's words, whatever the order of saves.

A simulated section is saved by several writers who each start from whatever
revision is current when they open the editor and save later, in every
interleaving Hypothesis can find. A writer refused as stale either gives up
(their text was shown back to them) or merges both texts and saves again.
"""

from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from copse.projects.merge import (
    Conflict,
    Saved,
    Unchanged,
    compare,
    decide_save,
    normalise,
)

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


def test_a_save_on_the_current_revision_becomes_the_next():
    decision = decide_save(current_revision=3, current_text="old", based_on=3, submitted="new")
    assert decision == Saved(revision=4, text="new")


def test_a_stale_save_is_refused_with_both_texts():
    decision = decide_save(current_revision=4, current_text="theirs", based_on=3, submitted="mine")
    assert decision == Conflict(revision=4, theirs="theirs", yours="mine")


def test_saving_the_text_already_there_changes_nothing_even_when_stale():
    decision = decide_save(
        current_revision=4, current_text="same\n", based_on=1, submitted="same\r\n"
    )
    assert decision == Unchanged(revision=4)


def test_a_forged_revision_from_the_future_is_refused():
    decision = decide_save(current_revision=2, current_text="a", based_on=9, submitted="b")
    assert isinstance(decision, Conflict)


def test_browser_line_ends_are_stored_as_newlines():
    assert normalise("one\r\ntwo\rthree  \n\n") == "one\ntwo\nthree"


def test_compare_marks_lines_only_in_either_text():
    lines = compare("keep\ntheirs", "keep\nmine")
    assert [(line.kind, line.text) for line in lines] == [
        ("same", "keep"),
        ("removed", "theirs"),
        ("added", "mine"),
    ]


@given(current=st.integers(0, 50), based_on=st.integers(-5, 60), theirs=texts, yours=texts)
def test_the_rule_never_drops_the_submitted_text(current, based_on, theirs, yours):
    decision = decide_save(
        current_revision=current, current_text=theirs, based_on=based_on, submitted=yours
    )
    if isinstance(decision, Saved):
        assert decision.text == normalise(yours)
        assert based_on == current and decision.revision == current + 1
    elif isinstance(decision, Conflict):
        assert decision.yours == normalise(yours) and decision.theirs == theirs
        assert decision.revision == current
    else:
        assert normalise(yours) == normalise(theirs)


class SectionWriters(RuleBasedStateMachine):
    """Writers open the editor (remembering the revision), then save, in any
    order. Every text anyone submits must be accounted for."""

    editors = Bundle("editors")

    @initialize()
    def empty_section(self):
        self.history: list[str] = [""]  # revision 0 is the empty section
        self.submitted: list[tuple[int, str]] = []
        self.shown_back: list[tuple[int, str]] = []
        self.unchanged: list[tuple[int, str]] = []
        self.next_writer = 0

    @property
    def current_revision(self) -> int:
        return len(self.history) - 1

    @rule(target=editors, text=texts)
    def open_the_editor(self, text):
        writer = self.next_writer
        self.next_writer += 1
        return (writer, self.current_revision, text)

    def _save(self, writer, based_on, text):
        self.submitted.append((writer, normalise(text)))
        decision = decide_save(
            current_revision=self.current_revision,
            current_text=self.history[-1],
            based_on=based_on,
            submitted=text,
        )
        note(f"writer {writer} on r{based_on}: {decision!r}")
        if isinstance(decision, Saved):
            # Nobody's save replaces a text they did not see.
            assert based_on == self.current_revision
            assert decision.revision == self.current_revision + 1
            self.history.append(decision.text)
        elif isinstance(decision, Conflict):
            self.shown_back.append((writer, decision.yours))
        else:
            self.unchanged.append((writer, normalise(text)))
        return decision

    @rule(editor=consumes(editors))
    def save_and_give_up_if_refused(self, editor):
        self._save(*editor)

    @rule(editor=consumes(editors))
    def save_and_merge_until_saved(self, editor):
        writer, based_on, text = editor
        for _ in range(3):
            decision = self._save(writer, based_on, text)
            if not isinstance(decision, Conflict):
                return
            # The writer keeps their words and adds theirs, on the new revision.
            based_on = decision.revision
            text = f"{decision.theirs}\n{decision.yours}"
        raise AssertionError("a merged save on the current revision was refused")

    @invariant()
    def every_submitted_text_is_accounted_for(self):
        kept = set(self.history)
        for writer, text in self.submitted:
            assert (
                text in kept
                or (writer, text) in self.shown_back
                or (writer, text) in self.unchanged
            ), f"writer {writer}'s text {text!r} was lost"

    @invariant()
    def unchanged_only_when_the_text_was_already_there(self):
        for _, text in self.unchanged:
            assert text in set(self.history)

    @invariant()
    def history_is_one_line_of_changes(self):
        for older, newer in zip(self.history, self.history[1:], strict=False):
            assert older != newer


SectionWriters.TestCase.settings = settings(max_examples=100, stateful_step_count=30)
TestSectionWriters = SectionWriters.TestCase


@given(st.lists(st.tuples(st.integers(0, 3), texts.filter(str.strip)), min_size=1, max_size=8))
def test_writers_who_merge_on_conflict_all_end_up_in_the_text(saves):
    """Each writer opened the editor `lag` saves ago, adds their words to the
    text they saw, and merges when refused: at the end every writer's words
    are in the current text."""
    history = [""]
    for lag, words in saves:
        based_on = max(0, len(history) - 1 - lag)
        text = f"{history[based_on]}\n{words}"
        for _ in range(3):
            decision = decide_save(
                current_revision=len(history) - 1,
                current_text=history[-1],
                based_on=based_on,
                submitted=text,
            )
            if isinstance(decision, Saved):
                history.append(decision.text)
                break
            if isinstance(decision, Unchanged):
                break
            based_on, text = decision.revision, f"{decision.theirs}\n{decision.yours}"
        else:
            raise AssertionError("a merged save on the current revision was refused")
    for _, words in saves:
        assert normalise(words) in history[-1]
