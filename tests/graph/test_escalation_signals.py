"""When a person should step in: judged on the conversation, not on a word."""

from __future__ import annotations

import pytest

from graph.escalation_signals import escalation_signal
from graph.strong_words import shows_impatience


def test_a_calm_request_with_a_strong_word_is_served_not_escalated() -> None:
    assert escalation_signal("the strap is useless after a week, I'd like a refund please",
                             []) is None
    assert escalation_signal("Das ist inakzeptabel, bitte stornieren Sie Bestellung 48213",
                             []) is None


def test_a_problem_told_with_a_strong_word_is_served_unless_it_vents() -> None:
    assert escalation_signal("meh, the mouse is crap, the scroll wheel skips", []) is None
    assert escalation_signal("damn, the hdmi cable is too short for my desk", []) is None
    assert escalation_signal("verdammt, wo bleibt denn mein Paket?", []) is None
    cursing = escalation_signal("damn you and your damn shop", [])
    assert cursing is not None and cursing.sentiment == "upset"
    fed_up = escalation_signal("honestly the torch is useless, the beam is so dim", [])
    assert fed_up is not None and fed_up.sentiment == "upset"


def test_swearing_threats_and_venting_call_for_a_person() -> None:
    threat = escalation_signal("sort this out or I'm going to my lawyer", [])
    assert threat is not None and threat.sentiment == "upset"
    venting = escalation_signal("this is the worst service I have ever had, honestly", [])
    assert venting is not None and venting.reason == "frustration"
    assert escalation_signal("C'EST LA TROISIÈME FOIS QUE JE VOUS ÉCRIS", []) is not None


def test_asking_again_about_an_order_after_an_answer_is_not_being_stuck() -> None:
    earlier = ["where is order 48213?", "thanks. where is order 48213 now?"]
    assert escalation_signal("any news on where order 48213 is?", earlier) is None


def test_not_getting_anywhere_after_unclear_messages_calls_for_a_person() -> None:
    earlier = ["the thing for the lamp", "the thing, for the lamp"]
    signal = escalation_signal("no, you keep missing what I'm asking", earlier)
    assert signal is not None and signal.reason == "frustration"


def test_asking_for_a_person_in_any_served_language() -> None:
    for text in ("Quiero hablar con alguien de verdad", "Ich möchte mit einem Mitarbeiter "
                 "sprechen", "Je voudrais parler à un conseiller"):
        signal = escalation_signal(text, [])
        assert signal is not None and signal.reason == "asked_for_person", text


def test_marks_alone_after_messages_the_agent_could_not_act_on_mean_stuck() -> None:
    earlier = ["the thing with the voucher", "that voucher thing from before"]
    signal = escalation_signal("?!?", earlier)
    assert signal is not None and signal.sentiment == "frustrated"
    assert escalation_signal("??", ["where is order 48213?"]) is None


def test_a_safety_incident_calls_for_a_person_however_calmly_told() -> None:
    for text in ("the charger got really hot and started smoking, my son was next to it",
                 "El calefactor echó humo anoche", "Die Lampe ist verbrannt, das war gefährlich",
                 "mon fils s'est blessé avec la lame", "a chaleira deu choque elétrico",
                 "the socket smelled of burning", "le chargeur a dégagé de la fumée"):
        signal = escalation_signal(text, [])
        assert signal is not None and signal.reason == "safety", text


def test_insults_at_the_shop_in_any_served_language_mean_upset() -> None:
    for text in ("you lot are a bunch of liars", "sois unos ladrones y mentirosos",
                 "ihr seid doch alle Lügner", "vous êtes des voleurs", "são uns ladrões"):
        signal = escalation_signal(text, [])
        assert signal is not None and signal.sentiment == "upset", text


def test_a_threat_to_reverse_the_payment_means_upset() -> None:
    for text in ("right, I'm calling my bank to reverse the charge",
                 "voy a llamar a mi banco para que anulen esto",
                 "dann mache ich eben eine Rückbuchung",
                 "je vais appeler ma banque et faire opposition",
                 "vou ligar para o meu banco e contestar a compra"):
        signal = escalation_signal(text, [])
        assert signal is not None and signal.sentiment == "upset", text


def test_distress_and_exasperation_without_a_request_mean_upset() -> None:
    for text in ("honestly this whole thing has been a nightmare, I'm in tears",
                 "es una pesadilla, estoy llorando", "das ist ein Albtraum",
                 "c'est un cauchemar, j'en ai assez", "isto é um pesadelo, estou a chorar"):
        signal = escalation_signal(text, [])
        assert signal is not None and signal.sentiment == "upset", text
    assert escalation_signal("tell me a joke", []) is None


def test_going_round_in_circles_about_one_thing_means_stuck() -> None:
    earlier = ["I need the voucher", "the voucher from the email"]
    signal = escalation_signal("no, the VOUCHER", earlier)
    assert signal is not None and signal.sentiment == "frustrated"
    assert escalation_signal("the voucher thing", ["can I use the voucher",
                                                    "the voucher, how"]) is not None
    assert escalation_signal("??", ["hello", "le truc de ma commande"]) is not None


def test_coming_back_to_one_thing_with_something_new_is_not_being_stuck() -> None:
    earlier = ["can I change my address", "the address on order A1001"]
    assert escalation_signal("no, the address for A1002 actually", earlier) is None
    earlier = ["where is my lamp", "the lamp from last week"]
    assert escalation_signal("great, thanks, and the lamp's tracking number?", earlier) is None


@pytest.mark.parametrize("text", [
    "my dog had an upset stomach after the new food, is it returnable?",
    "livrez-vous en outre-mer ?",
    "ça suffit pour la livraison gratuite ?",
    "je ne suis pas en colère, juste curieuse",
    "no estoy enfadada, solo pregunto por el envío",
    "Es reicht, wenn Sie mir die Rechnung schicken",
    "ich bin nicht wütend, nur neugierig",
    "a pele ficou irritada com o creme, posso devolver?",
    "não estou zangada, só queria saber o prazo",
])
def test_words_shared_with_anger_in_a_calm_message_do_not_bring_a_person(text: str) -> None:
    assert escalation_signal(text, []) is None


@pytest.mark.parametrize("text", [
    "I'm so upset, it was meant to be a gift for my mum",
    "estoy muy cabreada con vosotros",
    "ich bin echt wütend",
    "je suis en colère, franchement",
    "estou zangada com isto tudo",
])
def test_anger_named_outright_brings_a_person(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.sentiment == "upset"


@pytest.mark.parametrize(("text", "impatient"), [
    ("do you even read what I write?", True),
    ("you keep giving me the same answer", True),
    ("that's not my question", True),
    ("great. another week of waiting", True),
    ("vous ne comprenez pas ce que je demande", True),
    ("immer dieselbe Antwort", True),
    ("¿es que no me entiendes?", True),
    ("você não entende o que eu digo", True),
    ("Do you understand Portuguese? My husband will write.", False),
    ("J'espère que vous comprenez ma situation", False),
    ("Meine Mutter versteht sie nicht", False),
    ("Você leu o meu email?", False),
    ("I get the same message when I log in", False),
    ("Great. Thanks for your help!", False),
    ("I mean the blue one, not the red one", False),
])
def test_impatience_is_told_from_an_ordinary_question(text: str, impatient: bool) -> None:
    assert shows_impatience(text) is impatient


@pytest.mark.parametrize("text", [
    "right, that's it, I'm taking my business elsewhere",
    "fine, I'll just buy it somewhere else",
    "la próxima vez pido en otra tienda",
    "ich bestelle nie wieder bei euch",
    "vous ne me reverrez plus, je commanderai ailleurs",
    "sem resposta até amanhã, vou abrir uma disputa",
])
def test_leaving_or_disputing_the_payment_means_upset(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.sentiment == "upset"


@pytest.mark.parametrize("text", [
    "I'm honestly desperate, the shoes were for the wedding tomorrow",
    "estoy desesperada, era para el cumpleaños de mi madre",
    "je suis vraiment déçue, c'était un cadeau",
])
def test_distress_without_a_request_means_upset(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.sentiment == "upset"


EARLIER = ["the gift voucher from my aunt won't go through", "yes, I typed the code as printed"]


@pytest.mark.parametrize("text", [
    "ok forget it", "whatever.", "laissez tomber", "vergiss es", "déjalo", "esquece",
    "you clearly don't get it, never mind",
])
def test_giving_up_after_two_messages_calls_for_a_person(text: str) -> None:
    signal = escalation_signal(text, EARLIER)
    assert signal is not None and signal.reason == "frustration"


@pytest.mark.parametrize(("text", "earlier"), [
    ("never mind, found it, thanks", EARLIER),
    ("whatever works for you is fine", EARLIER),
    ("forget it", EARLIER[:1]),  # one message: changing one's mind, not going round
    ("egal, könnt ihr mir die Rechnung schicken?", EARLIER),
])
def test_letting_a_question_go_calmly_is_not_being_stuck(text: str, earlier: list[str]) -> None:
    assert escalation_signal(text, earlier) is None


@pytest.mark.parametrize("text", [
    "is there anyone there who can actually check my payment",
    "necesito que lo mire una persona de verdad",
    "kann sich das bitte mal ein Mitarbeiter anschauen",
    "quelqu'un peut vérifier ma commande svp",
    "preciso de falar com alguém",
])
def test_asking_for_someone_to_look_in_other_words(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.reason == "asked_for_person", text


@pytest.mark.parametrize("text", [
    "my toddler swallowed one of the little magnets",
    "the adapter melted the plastic round the plug",
    "mi perro se tragó una pieza del juguete",
])
def test_harm_to_a_child_or_a_pet_is_a_safety_incident(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.reason == "safety", text


@pytest.mark.parametrize(("text", "impatient"), [
    ("you keep sending me the tracking link", True),
    ("yes I know, that's why I'm asking", True),
    ("das weiß ich, die Frage ist wann", True),
    ("j'ai déjà envoyé les photos deux fois", True),
    ("já mandei o comprovativo", True),
    ("does the guide help with sizing?", False),
    ("I already have an account, can I log in?", False),
])
def test_not_being_heard_in_other_words(text: str, impatient: bool) -> None:
    assert shows_impatience(text) is impatient


@pytest.mark.parametrize("text", [
    "well thanks a lot for nothing then",
    "merci pour rien",
    "I've been lied to twice by this chat",
    "someone's using my account, I'm blocking my card now",
])
def test_scorn_or_fraud_means_upset(text: str) -> None:
    signal = escalation_signal(text, [])
    assert signal is not None and signal.sentiment == "upset", text


@pytest.mark.parametrize("text", [
    "that was my rent money and now it's just gone",
    "ich brauch das Geld wirklich, das war für die Miete",
])
def test_money_the_customer_cannot_spare_means_upset(text: str) -> None:
    assert escalation_signal(text, []) is not None, text


@pytest.mark.parametrize("text", [
    "I'm desperate, please refund order A1234",
    "estou muito desiludida, quero cancelar a encomenda 48213",
])
def test_distress_beside_a_request_of_its_own_is_served(text: str) -> None:
    assert escalation_signal(text, []) is None, text
