"""A customer's contacts on the twins (seed 002): every text to each recipient, with their own link and consent;
the invitation once; STOP from one silences them alone; a removed contact is texted nothing; words sent on."""
from datetime import timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.links import digest
from chalicelib.domain.messages import MessageStatus
from chalicelib.services import contacts, conversation, customer_page
from chalicelib.services.outbox.compose import CONTACT_GONE

TIA, OMAR = "+13035550181", "+13035550182"


def add(shop, name, phone, **kw):
    return contacts.add_contact(shop.repos, shop.dispatcher, shop.customer_id, name=name, phone=phone,
                                email=kw.pop("email", None), role=kw.pop("role", None), notify=kw.pop("notify", True))


def token_of(body: str) -> str:
    return body.rsplit("/c/", 1)[1].split()[0]


def test_a_booking_goes_to_each_recipient_with_their_own_link_after_one_invitation(shop):
    tia = add(shop, "Tia Tenant", TIA, role="tenant").contact
    add(shop, "Omar Owner", OMAR, notify=False)
    job, _ = shop.book(shop.clock.now + timedelta(days=2), shop.tech.id)
    assert [b.split(":")[1].strip()[:14] for b in shop.sender.to(TIA)] == ["you'll get upd", "visit booked f"]
    assert shop.sender.to(OMAR) == []  # notify off, and not chosen for the job
    sams, tias = token_of(shop.texts()[-1]), token_of(shop.sender.to(TIA)[-1])
    assert sams != tias
    assert shop.world.links[digest(tias)].contact_id == tia.id and shop.world.links[digest(sams)].contact_id is None
    assert {(m.scenario, m.contact_id) for m in shop.messages(job)} == {
        ("booking_confirmation", None), ("booking_confirmation", tia.id), ("contact_invited", tia.id)}
    assert shop.repos.contacts.get(shop.org.id, tia.id).invited_at == shop.clock.now
    shop.book(shop.clock.now + timedelta(days=3), shop.tech.id)  # another job: one more invitation, for it
    assert len([b for b in shop.sender.to(TIA) if "you'll get updates" in b]) == 2


def test_choosing_recipients_invites_the_newly_chosen_once_and_drops_the_others(shop):
    add(shop, "Tia Tenant", TIA)
    omar = add(shop, "Omar Owner", OMAR, notify=False).contact
    job, _ = shop.book(shop.clock.now + timedelta(days=2), shop.tech.id)
    contacts.set_recipients(shop.repos, shop.dispatcher, job.id, [omar.id])
    assert shop.settle() == []
    assert ["you'll get updates" in b for b in shop.sender.to(OMAR)] == [True]
    contacts.set_recipients(shop.repos, shop.dispatcher, job.id, [omar.id, shop.customer_id])
    assert shop.settle() == [] and len(shop.sender.to(OMAR)) == 1  # invited once
    before = len(shop.sender.to(TIA))
    conversation.write_to_customer(shop.repos, shop.dispatcher, job.id, "On our way soon")
    assert shop.settle() == []
    assert shop.sender.to(OMAR)[-1] == "On our way soon" and shop.texts()[-1] == "On our way soon"
    assert len(shop.sender.to(TIA)) == before  # no longer among the job's recipients
    _, chosen = contacts.recipients(shop.repos, shop.dispatcher, job.id)
    assert [c.contact.id for c in chosen] == [shop.customer_id, omar.id]
    assert shop.job(job.id).recipients == (omar.id,)  # the customer's own is always there, never stored


def test_stop_from_one_contact_silences_them_alone(shop):
    add(shop, "Tia Tenant", TIA)
    job, _ = shop.book(shop.clock.now + timedelta(days=2), shop.tech.id)
    assert shop.reply("STOP", sender=TIA) == "opt_out"
    assert shop.repos.customers.get(shop.org.id, shop.customer_id).opted_out is False
    conversation.write_to_customer(shop.repos, shop.dispatcher, job.id, "Running 10 min late")
    assert shop.settle() == []
    assert shop.texts()[-1] == "Running 10 min late" and "Running 10 min late" not in shop.sender.to(TIA)
    (dropped,) = [m for m in shop.messages(job) if m.body == "Running 10 min late" and m.contact_id]
    assert dropped.status is MessageStatus.SUPPRESSED and dropped.error == "customer opted out"
    assert [c.opted_out for c in contacts.list_contacts(shop.repos, shop.dispatcher, shop.customer_id)] == [False, True]
    assert shop.reply("START", sender=TIA) == "opt_in"
    conversation.write_to_customer(shop.repos, shop.dispatcher, job.id, "Here now")
    assert shop.settle() == [] and shop.sender.to(TIA)[-1] == "Here now"


def test_a_contacts_reply_is_theirs_and_a_removed_contact_is_texted_nothing(shop):
    tia = add(shop, "Tia Tenant", TIA).contact
    job, _ = shop.book(shop.clock.now + timedelta(days=2), shop.tech.id)
    assert shop.reply("The dog is friendly", sender=TIA) == "recorded"
    (said,) = [m for m in shop.messages(job) if m.direction.value == "inbound"]
    assert (said.contact_id, said.sender) == (tia.id, TIA)
    assert {i.contact_id for i in shop.world.inbox.values()} == {tia.id}  # the dispatcher's and Ana's
    [written] = conversation.write_to_customer(shop.repos, shop.dispatcher, job.id, "Thanks Tia",
                                               recipients=[tia.id])
    contacts.remove_contact(shop.repos, shop.dispatcher, tia.id)
    assert shop.settle() == []
    assert "Thanks Tia" not in shop.sender.to(TIA)
    gone = shop.repos.messages.claimed(shop.org.id, job.id, written.key)
    assert (gone.status, gone.error) == (MessageStatus.SUPPRESSED, CONTACT_GONE)
    assert shop.reply("Hello?", sender=TIA) == "unknown_sender"  # their number is nobody's now


def test_words_written_on_a_contacts_page_are_sent_on_to_the_people_chosen(shop):
    add(shop, "Tia Tenant", TIA)
    omar = add(shop, "Omar Owner", OMAR, notify=False).contact
    job, _ = shop.book(shop.clock.now + timedelta(days=2), shop.tech.id)
    link = shop.world.links[digest(token_of(shop.sender.to(TIA)[-1]))]
    customer_page.reply(shop.repos, link, "I will be home all day", "n1", everyone=True)
    assert shop.settle() == []
    assert shop.texts()[-1].startswith("acme Services: Tia Tenant wrote: I will be home all day Reply: ")
    assert shop.sender.to(OMAR) == []  # not one of the job's recipients
    relayed = [m for m in shop.messages(job) if m.scenario == "relayed"]
    assert [(m.contact_id, m.status) for m in relayed] == [(None, MessageStatus.SENT)]
    assert shop.world.links[digest(token_of(shop.texts()[-1]))].contact_id is None  # Sam's own link
    with pytest.raises(ValidationError) as refused:
        customer_page.reply(shop.repos, link, "psst", "n2", [omar.id])
    assert refused.value.field == "recipients"
    assert len([m for m in shop.messages(job) if m.direction.value == "inbound"]) == 1  # nothing stored
