"""The offline model's intents, and the words it reads orders, items and reasons by."""

from __future__ import annotations

GREETING = "greeting"
THANKS = "thanks"
ORDER_STATUS = "order_status"
REFUND = "refund"
CANCEL = "cancel"
CHANGE_ADDRESS = "change_address"
KNOWLEDGE = "knowledge"
HUMAN = "human"
LIST_ORDERS = "list_orders"
OUT_OF_SCOPE = "out_of_scope"
FRUSTRATION = "frustration"
CAPABILITIES = "capabilities"
COMPLAINT = "complaint"
VERIFY = "verify"
DISMISS = "dismiss"

SOCIAL_INTENTS = (GREETING, THANKS, FRUSTRATION, CAPABILITIES)
TASK_INTENTS = (HUMAN, CANCEL, REFUND, CHANGE_ADDRESS, ORDER_STATUS, LIST_ORDERS, KNOWLEDGE,
                COMPLAINT, VERIFY)

# Phrases customers use for each request. What a message asks is read by the classifier
# (graph/classifier.py); these phrases' words make up the vocabulary that is never taken for a
# misspelt product name ("refnd" is not a "rug").
INTENT_CUES: dict[str, dict[str, float]] = {
    GREETING: {
        "hi": 1.0, "hello": 1.0, "hey": 1.0, "hiya": 1.0, "howdy": 1.0, "heya": 1.0, "yo": 0.6,
        "good morning": 1.0, "morning": 0.9, "evening": 0.7,
        "good afternoon": 1.0, "good evening": 1.0, "greetings": 1.0,
        "hallo": 0.8, "hola": 0.8, "bonjour": 0.8,
    },
    THANKS: {
        "thanks": 1.0, "thank you": 1.0, "thx": 1.0, "ty": 0.8, "cheers": 0.8, "appreciate": 0.9,
        "bye": 1.0, "goodbye": 1.0, "see you": 0.8, "thats all": 0.9, "nothing else": 0.9,
        "have a day": 1.0, "thats everything": 0.9, "much obliged": 0.9, "ta": 0.5,
        "perfect thanks": 1.0, "great help": 0.8, "you helped": 0.8, "all sorted": 0.8,
    },
    ORDER_STATUS: {
        "where": 0.45, "where is": 0.75, "where are": 0.75, "where is my": 0.95,
        "my stuff": 0.6, "my package": 0.9, "my parcel": 0.9, "my delivery": 0.9,
        "status": 0.8, "track": 1.0, "tracking": 1.0, "shipped": 0.85,
        "ship": 0.5, "shipment": 0.8, "arrive": 0.8, "arrived": 0.85, "arrival": 0.8,
        "delivery": 0.6, "delivered": 0.7, "eta": 1.0, "when will": 0.6, "when does": 0.5,
        "dispatched": 0.85, "dispatch": 0.7, "package": 0.6, "parcel": 0.6, "stuff": 0.35,
        "still waiting": 0.9, "not received": 0.9, "havent received": 1.0, "hasnt come": 1.0,
        "not here": 0.6, "late": 0.6, "delayed": 0.8, "lost": 0.6, "on its way": 0.9,
        "whats happening": 0.6, "update on": 0.8, "any news": 0.8, "coming": 0.5, "sent out": 0.8,
        "is it": 0.2, "my order": 0.35, "carrier": 0.7, "courier": 0.7, "postman": 0.6,
        "never came": 1.0, "never got": 0.8, "didnt get": 0.8, "didnt arrive": 1.0,
        "show up": 0.7, "showed up": 0.7, "received yet": 0.9, "get here": 0.8,
        "still nothing": 0.9, "nothing yet": 0.9, "delivering": 0.7, "who is delivering": 1.0,
        "there yet": 0.9, "here yet": 0.9, "yet": 0.4, "how long until": 1.0, "come": 0.4,
        "when should": 0.5,
        "how long till": 1.0, "expected": 0.6, "out for delivery": 1.0, "in transit": 1.0,
        "wheres": 0.75, "wheres my": 0.95, "hows my": 0.8, "check on": 0.9, "check my": 0.8,
        "look up": 0.7, "look into": 0.7, "check order": 0.9, "any update": 0.9, "updates": 0.6,
        "nothing arrived": 1.0, "not arrived": 1.0, "hasnt arrived": 1.0, "havent got": 0.9,
        "not delivered": 1.0, "never showed": 1.0, "never turned up": 1.0, "turn up": 0.7,
        "news on": 0.8, "info on": 0.7, "know about": 0.5, "follow up": 0.6, "gone missing": 0.9,
    },
    REFUND: {
        "refund": 1.3, "refunded": 1.2, "money back": 1.3, "reimburse": 1.2, "reimbursement": 1.2,
        "repay": 1.0, "pay back": 1.0, "my money": 0.9, "chargeback": 1.1, "compensation": 0.9,
        "compensate": 0.9, "credit back": 1.0, "partial refund": 1.4, "give back": 0.6,
        "return": 0.5, "charged": 0.6, "overcharged": 1.0, "reverse charge": 1.0,
        "broken": 0.6, "damaged": 0.6, "defective": 0.6, "faulty": 0.6, "want back": 0.8,
        "cracked": 0.6, "smashed": 0.6, "shattered": 0.6, "torn": 0.6, "ripped": 0.6,
        "scratched": 0.6, "dented": 0.6, "leaking": 0.6, "stopped working": 0.6,
        "chipped": 0.6, "bent": 0.6, "stained": 0.6, "broke": 0.6, "busted": 0.6, "snapped": 0.6,
        "doesnt work": 0.6, "not working": 0.6, "wont turn on": 0.6, "dead on arrival": 0.8,
        "wrong item": 0.9, "wrong thing": 0.9, "wrong size": 0.7, "wrong colour": 0.7,
        "wrong color": 0.7, "not what i ordered": 1.0, "sent me the wrong": 1.0,
        "missing from": 0.7, "send back": 0.9, "sending back": 0.9, "send it back": 1.0,
        "return it": 0.9, "returning": 0.7, "paid for": 0.5, "money": 0.5,
    },
    CANCEL: {
        "cancel": 1.4, "cancellation": 1.3, "call off": 1.3, "by mistake": 0.8,
        "ordered by accident": 1.0, "dont want anymore": 1.3,
        "no longer want": 1.3, "no longer need": 1.2, "dont need anymore": 1.2,
        "changed my mind": 0.9, "stop order": 1.2, "abort": 1.0,
        "revoke": 0.9, "withdraw order": 1.0, "scrap": 0.8, "dont send": 1.0, "undo order": 1.0,
        "dont ship": 1.0, "dont want it anymore": 1.3,
    },
    CHANGE_ADDRESS: {
        "address": 0.9, "change address": 1.4, "new address": 1.4, "wrong address": 1.3,
        "update address": 1.4, "different address": 1.3, "ship to": 0.7, "deliver to": 0.7,
        "send it to": 0.8, "send to": 0.7, "moved": 0.8, "moving": 0.6, "relocated": 0.8,
        "redirect": 1.1,
        "shipping address": 1.2, "delivery address": 1.3, "change delivery": 1.2,
        "address change": 1.4, "typo address": 1.2, "other address": 1.1, "reroute": 1.1,
        "change where": 1.3,
        "new place": 1.0, "different place": 1.0, "wrong place": 0.9,
    },
    KNOWLEDGE: {
        "policy": 1.2, "return policy": 1.4, "returns": 1.0, "how long": 0.8, "how many days": 1.0,
        "can i return": 1.3, "how do i": 0.8, "how can i": 0.7, "do you": 0.7, "warranty": 1.2,
        "guarantee": 1.0, "exchange": 1.0, "shipping cost": 1.2, "shipping take": 1.1,
        "international": 1.0, "overseas": 1.0, "abroad": 0.9, "countries": 0.9, "customs": 1.0,
        "payment methods": 1.2, "pay with": 1.0, "paypal": 1.0, "klarna": 1.0, "discount": 0.9,
        "coupon": 1.0, "promo": 1.0, "voucher": 1.0, "gift card": 1.0, "size guide": 1.1,
        "sizing": 1.0, "opening hours": 1.1, "opened": 0.8, "used item": 0.9, "free shipping": 1.2,
        "express": 0.8, "next day": 0.8, "restock": 1.0, "in stock": 0.9, "price match": 1.1,
        "privacy": 1.0, "data": 0.5, "account": 0.5, "password": 0.9, "store": 0.5, "faq": 1.2,
        "rules": 0.8, "terms": 0.9, "allowed": 0.6, "is it possible": 0.7, "what is your": 0.8,
        "whats your": 0.8, "how much does": 0.8, "fee": 0.8, "fees": 0.8, "deadline": 0.8,
        "days to return": 1.3, "return window": 1.3, "return label": 1.2, "do you ship": 1.3,
        "deliver to": 0.3, "how does": 0.6, "what happens": 0.7,
    },
    HUMAN: {
        "human": 1.6, "real person": 1.7, "person": 0.9, "agent": 1.3, "representative": 1.5,
        "operator": 1.3, "manager": 1.3, "supervisor": 1.4, "someone": 0.9, "somebody": 0.9,
        "speak to": 1.0, "talk to": 1.0, "live chat": 1.2, "customer service": 1.0,
        "not a bot": 1.5, "not a robot": 1.5, "stop bot": 1.2, "real human": 1.8, "staff": 1.0,
        "call me": 0.9, "phone me": 0.9, "escalate": 1.4, "complaint": 0.8, "actual person": 1.7,
        "team member": 1.2, "employee": 1.2, "support team": 1.0, "connect me": 1.0,
    },
    LIST_ORDERS: {
        "my orders": 1.2, "list orders": 1.4, "order history": 1.4, "all orders": 1.2,
        "show orders": 1.3, "what did i order": 1.4, "did i buy": 1.3, "what have i ordered": 1.4,
        "recent orders": 1.3, "past orders": 1.3, "previous orders": 1.3, "which orders": 1.2,
        "orders i have": 1.2, "purchases": 0.7, "bought": 0.6, "what i bought": 1.2,
        "open orders": 1.2, "how many orders": 1.3, "see orders": 1.2, "my purchases": 1.0,
        "orders": 0.9, "what orders": 1.3, "order list": 1.3, "everything i ordered": 1.3,
    },
    OUT_OF_SCOPE: {
        "weather": 1.4, "joke": 1.4, "poem": 1.4, "recipe": 1.4, "homework": 1.4, "python": 1.2,
        "code for me": 1.2, "bitcoin": 1.4, "stock price": 1.3, "news": 1.0, "football": 1.4,
        "movie": 1.3, "song": 1.2, "lyrics": 1.4, "capital of": 1.4, "president": 1.3,
        "essay": 1.4, "translate": 1.3, "date me": 1.4, "politics": 1.4, "election": 1.4,
        "horoscope": 1.4, "meaning of life": 1.4, "lottery": 1.4, "write me": 1.0, "sing": 1.0,
        "math": 1.2, "calculate": 1.0, "girlfriend": 1.4, "boyfriend": 1.4, "game": 0.8,
        # Things a shop assistant for orders cannot do: accounts, sales advice, the catalogue.
        "password": 2.0, "log in": 2.0, "login": 2.0, "sign in": 2.0, "username": 2.0,
        "my account": 1.2, "delete account": 2.0, "newsletter": 2.0, "unsubscribe": 2.0,
        "do you sell": 2.2, "sell": 1.4, "recommend": 2.0, "recommendation": 2.0,
        "suggest": 1.6, "which should i buy": 2.0, "good laptop": 1.4, "best": 0.6,
        "buy a": 1.0, "job": 1.2, "hiring": 1.4, "apply for": 1.0, "invest": 1.4, "loan": 1.4,
    },
    FRUSTRATION: {
        "useless": 1.3, "ridiculous": 1.3, "stupid": 1.3, "idiot": 1.3, "idiotic": 1.3,
        "dumb": 1.2, "pathetic": 1.3, "rubbish": 1.2, "garbage": 1.2, "trash": 1.0,
        "terrible": 1.2, "horrible": 1.2, "awful": 1.2, "worst": 1.2, "hopeless": 1.2,
        "incompetent": 1.3, "unacceptable": 1.3, "disgrace": 1.3, "disgraceful": 1.3,
        "is a joke": 1.4, "what a joke": 1.4, "waste of time": 1.4, "wasting my time": 1.4,
        "fed up": 1.3, "sick of": 1.2, "sick and tired": 1.4, "annoyed": 1.1, "annoying": 1.1,
        "angry": 1.1, "furious": 1.3, "livid": 1.3, "frustrated": 1.2, "frustrating": 1.2,
        "not helpful": 1.3, "unhelpful": 1.3, "no help": 1.1, "not helping": 1.3,
        "doesnt help": 1.2, "you dont understand": 1.3, "not listening": 1.2, "pointless": 1.2,
        "wtf": 1.3, "ffs": 1.3, "seriously": 0.7, "are you kidding": 1.2, "kidding me": 1.2,
        "nonsense": 1.1, "scam": 1.1, "crap": 1.2, "shit": 1.3, "damn": 0.9, "bullshit": 1.4,
        "hate": 0.8, "sucks": 1.2, "disappointed": 1.0, "disappointing": 1.0, "appalling": 1.3,
        "shocking": 1.0, "already told you": 1.3, "i told you": 1.0, "how many times": 1.1,
        "not good enough": 1.3, "dreadful": 1.2, "lousy": 1.2, "moron": 1.3, "clueless": 1.2,
        "even listening": 1.3, "listen to me": 1.1, "listening": 0.7, "ugh": 0.8, "argh": 1.0,
        "thanks for nothing": 1.6, "what on earth": 1.0, "shambles": 1.3, "crazy": 0.9,
        "driving me": 0.8, "patience": 1.0, "times already": 1.2, "three times": 0.9,
        "again and again": 1.1, "mess": 0.8, "nightmare": 1.1,
        "absurd": 1.2, "insane": 1.0, "outrageous": 1.3, "fuming": 1.3, "disgusted": 1.3,
    },
    CAPABILITIES: {
        "what can you do": 1.6, "what do you do": 1.6, "what can you help": 1.6,
        "how can you help": 1.6, "what else can you": 1.5, "what are you": 1.1,
        "who are you": 1.3, "are you a bot": 1.2, "what are my options": 1.4, "options": 0.7,
        "menu": 1.0, "capabilities": 1.5, "what is this": 1.0, "how does this work": 1.4,
        "help": 0.7, "need help": 0.9, "help me": 0.7, "what can i ask": 1.5,
        "what are you able": 1.5, "what do you know": 1.2, "what things can": 1.4,
        "can you do": 0.8, "your job": 1.0, "able to do": 1.2, "what services": 1.3,
        "features": 0.9, "how do you work": 1.5, "who am i talking": 1.6, "talking to": 0.6,
        "what are you for": 1.5, "what kind of": 0.5, "can you help": 0.8,
        "do anything": 1.3, "bot do": 1.4, "good for": 0.9, "use you for": 1.5, "functions": 1.1,
        "capable of": 1.4, "what you can do": 1.6,
    },
}

# Chat shorthand, read as the words it stands for.
SHORTHAND: dict[str, str] = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "wat": "what", "wht": "what", "abt": "about", "ppl": "people", "cuz": "because",
}
# Words that signal the customer means their own order rather than asking in general.
PERSONAL_MARKERS = frozenset(
    "my mine our i've ive i'd id im i'm me we bought ordered purchased got received".split()
)
QUESTION_OPENERS = frozenset(
    "how what whats can could do does is are will would which why when where should may".split()
)
REFUND_REASONS: dict[str, str] = {
    "damaged": "damaged", "broken": "damaged", "smashed": "damaged", "cracked": "damaged",
    "defective": "defective", "faulty": "defective", "doesnt work": "defective",
    "wrong item": "wrong item", "wrong size": "wrong size", "late": "late delivery",
    "never arrived": "not received", "never came": "not received", "missing": "missing item",
    "changed my mind": "changed mind", "too small": "wrong size", "too big": "wrong size",
}
ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
    "sixth": 6, "6th": 6, "six": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "last": -1, "final": -1, "bottom": -1, "top": 1, "penultimate": -2,
}
MIDDLE = frozenset("middle center centre".split())
# Words that open a message without adding to it: "ok and the mug?".
FILLERS = frozenset("ok okay so right hmm um uh oh well alright cool great fine".split())
# Words that pick an order by when it was placed: +1 the newest, -1 the oldest.
BY_DATE: dict[str, int] = {
    "latest": 1, "newest": 1, "recent": 1, "lastest": 1, "oldest": -1, "older": -1,
    "earliest": -1, "earlier": -1,
}
# Words that name an order itself rather than a product in it.
NOT_PRODUCTS = frozenset(
    "order orders purchase purchases item items thing things stuff one ones box delivery "
    "package parcel shipment money refund email address person bot website site app account "
    "number status tracking time day days week weeks month way".split()
)
FULL_AMOUNT_WORDS = frozenset("all everything full whole entire total complete".split())
STATUS_WORDS: dict[str, str] = {
    "processing": "processing", "pending": "processing", "unshipped": "processing",
    "shipped": "shipped", "transit": "shipped", "delivered": "delivered",
    "arrived": "delivered", "cancelled": "cancelled", "canceled": "cancelled",
}
# Openers of an elliptical follow-up that carries on with the task before ("and the mug?").
FOLLOW_UP_OPENERS = ("what about", "how about", "and", "also", "same for", "what of", "plus")
# Words that point back at the order being discussed.
BACK_REFERENCES = frozenset("it its that this same".split())
# Words before a product name: "the rug", "my lamp", "that blender".
DETERMINERS = frozenset("the my that this those these our his her their about for".split())
# Grammatical words that never name a product.
FUNCTION_WORDS = frozenset(
    "a an the my your our their his her its it this that these those is are was were be been "
    "am do does did have has had will would can could should shall may might must and or but "
    "if of to in on at by for with about from into out up down off over so as than then too "
    "very just yet still already also any some all one ones what whats when where wheres who "
    "why how which hi hey hello please pls thanks thank you me i im ive id we us they them "
    "not no yes ok okay there here now again else other another".split()
)
# Kinds of product that customers name with a different word than the shop does.
ITEM_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("sofa", "couch", "settee"), ("mug", "cup"), ("bookshelf", "bookcase", "shelving"),
    ("sneaker", "trainer", "shoe", "runner"), ("phone", "mobile", "smartphone", "cellphone"),
    ("tv", "television"), ("laptop", "notebook"), ("sweater", "jumper", "pullover"),
    ("trouser", "pant", "slack"), ("headphone", "headset", "earphone", "earbud"),
    ("armchair", "chair"), ("rug", "carpet", "mat"), ("lamp", "light"), ("jacket", "coat"),
    ("bag", "handbag", "purse"), ("backpack", "rucksack", "knapsack", "daypack"),
    ("kettle", "boiler"), ("hoodie", "sweatshirt"), ("duvet", "comforter", "quilt"),
    ("vase", "pot"), ("bike", "bicycle", "cycle"),
)
# Common words that must never be typo-matched to a different lexicon word.
COMMON_WORDS = frozenset(
    "were here there what want went shop then than them when whom note need sent send same "
    "some now know new not ever even over more most much made make take time item items back "
    "book will well work word world year your youre sure then this that they think thing "
    "with would could should about after again also area away before being best better both "
    "call came come does done down each from give good great have help into just keep kind "
    "last late left life like line list long look many mean might must name next only open "
    "other part place right said same show side small still such tell than their these "
    "thought three under used very ways week where which while who whole wrong yes today "
    "tomorrow date data dear card care cart case cost coat cant wont dont didnt doesnt isnt "
    "hasnt havent please order orders ordered status another thanks human person".split()
)
