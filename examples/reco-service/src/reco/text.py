"""Tokeniser shared by training and serving.

Any change here changes the model: products are vectorised with these rules at
training time and queries with the same rules at serving time, so retrain and
bump the model version after editing this module.
"""

import re

# Split on anything that is not a letter or digit ("long-wear" -> "long", "wear").
_TOKEN_RE = re.compile(r"[^\W_]+")

STOP_WORDS = frozenset(
    """
    a about after all also an and any are as at be been but by can do does every
    for from get give gives has have how i in into is it its just keeps leaves
    made make makes me more most my need no not of on one or our own per so some
    than that the their them then there these they this those through to too up
    use very want was way what when which while who will with without you your
    """.split()
)

# British spellings are common in our catalogue copy, US spellings in search logs.
_SPELLING = {
    "colour": "color",
    "colours": "colors",
    "moisturiser": "moisturizer",
    "moisturisers": "moisturizers",
    "moisturising": "moisturizing",
    "volumising": "volumizing",
    "energising": "energizing",
    "neutralises": "neutralizes",
    "minimises": "minimizes",
    "grey": "gray",
}

# Compounds people type as two words.
_COMPOUNDS = {
    ("eye", "liner"): "eyeliner",
    ("lip", "stick"): "lipstick",
    ("sun", "screen"): "sunscreen",
    ("sun", "cream"): "sunscreen",
}


def stem(word):
    """Light suffix stripping: plurals, -ing/-ed, final -e.

    Deliberately much weaker than Porter: enough for "lipsticks"/"lipstick",
    "washes"/"wash", "hydrating"/"hydrate", without merging unrelated words.
    """
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("shes", "ches", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 7:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 6:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokenize(text):
    """Turn free text into a list of normalised terms (order preserved)."""
    raw = [_SPELLING.get(t, t) for t in _TOKEN_RE.findall(text.lower())]
    merged = []
    i = 0
    while i < len(raw):
        pair = tuple(raw[i:i + 2])
        if pair in _COMPOUNDS:
            merged.append(_COMPOUNDS[pair])
            i += 2
        elif raw[i] == "spf" and i + 1 < len(raw) and raw[i + 1].isdigit():
            # "SPF 50", "spf50" and "SPF50+" are the same thing.
            merged.append("spf" + raw[i + 1])
            i += 2
        else:
            merged.append(raw[i])
            i += 1
    return [stem(t) for t in merged if len(t) > 1 and t not in STOP_WORDS]
