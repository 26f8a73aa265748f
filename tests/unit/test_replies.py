import pytest

from chalicelib.domain.replies import Intent, Reply, read


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


# The US/Canada carrier words, as docs/architecture.md lists them (AWS End User Messaging's own).
CARRIER_OPT_OUT = ["ARRET", "CANCEL", "END", "OPT-OUT", "OPTOUT", "QUIT", "REMOVE", "STOP", "TD", "UNSUBSCRIBE"]
CARRIER_OPT_IN = ["START", "UNSTOP"]


@pytest.mark.parametrize("word", CARRIER_OPT_OUT)
def test_no_opt_out_word_is_a_command_word(word):
    for body in (word, word.lower(), f" {word.capitalize()}! "):
        assert read(body) == Reply(Intent.OPT_OUT), body


@pytest.mark.parametrize("word", CARRIER_OPT_IN)
def test_the_opt_in_words_opt_back_in(word):
    assert read(word) == read(word.lower()) == Reply(Intent.OPT_IN)


@pytest.mark.parametrize("body,rating", [("RATE 4", 4), ("rate5", 5), (" Rate 1 ", 1)])
def test_a_rating_reply_carries_its_stars(body, rating):
    assert (read(body).intent, read(body).rating) == (Intent.RATE, rating)


@pytest.mark.parametrize("body", ["RATE 6", "RATE 0", "rate it 5", "I rate you 5 stars"])
def test_anything_else_about_rating_is_conversation(body):
    assert read(body).intent is Intent.TALK
