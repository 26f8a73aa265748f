import pytest

from chalicelib.domain.replies import OPT_OUT, Intent, read


@pytest.mark.parametrize("body,intent,reason", [
    ("C", Intent.CONFIRM, None), (" yes ", Intent.CONFIRM, None), ("Yes!", Intent.CONFIRM, None),
    ("confirm", Intent.CONFIRM, None), ("N", Intent.REJECT, None), ("no", Intent.REJECT, None),
    ("NO - too expensive", Intent.REJECT, "too expensive"), ("n: moved away", Intent.REJECT, "moved away"),
    ("r", Intent.RESCHEDULE, None), ("Reschedule", Intent.RESCHEDULE, None),
    ("STOP", Intent.OPT_OUT, None), ("stop ", Intent.OPT_OUT, None), ("Cancel", Intent.OPT_OUT, None),
    ("opt-out", Intent.OPT_OUT, None), ("unstop", Intent.OPT_IN, None), ("START", Intent.OPT_IN, None),
    ("help", Intent.HELP, None), ("Can you come after 3?", Intent.TALK, None), ("No problem", Intent.TALK, None),
    ("Yes, but the gate code changed", Intent.TALK, None), ("", Intent.TALK, None),
])
def test_reply_keywords(body, intent, reason):
    assert read(body) == (intent, reason) or (read(body).intent, read(body).reason) == (intent, reason)


def test_no_opt_out_word_is_a_command_word():
    for word in OPT_OUT:
        assert read(word).intent is Intent.OPT_OUT
