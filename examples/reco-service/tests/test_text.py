import unittest

from reco.text import stem, tokenize


class TokenizeTest(unittest.TestCase):
    def test_lowercases_and_splits_on_punctuation(self):
        self.assertEqual(tokenize("Velvet Matte LIPSTICK - Ruby Red"), ["velvet", "matt", "lipstick", "ruby", "red"])
        self.assertEqual(tokenize("long-wear, transfer-resistant!"), ["long", "wear", "transfer", "resistant"])

    def test_drops_stop_words_and_single_letters(self):
        self.assertEqual(tokenize("a gentle face wash for the sensitive skin"),
                         ["gentl", "face", "wash", "sensitiv", "skin"])
        self.assertEqual(tokenize("Men's"), ["men"])
        self.assertEqual(tokenize("the and of"), [])

    def test_plural_and_singular_match(self):
        for a, b in [("lipsticks", "lipstick"), ("face washes", "face wash"), ("lip glosses", "lip gloss"),
                     ("berries", "berry"), ("cleansers", "cleanser"), ("lashes", "lash")]:
            with self.subTest(a=a):
                self.assertEqual(tokenize(a), tokenize(b))

    def test_verb_forms_match(self):
        self.assertEqual(tokenize("hydrating"), tokenize("hydrate"))
        self.assertEqual(tokenize("cleansing"), tokenize("cleanse"))
        self.assertEqual(tokenize("tinted"), tokenize("tint"))

    def test_short_words_are_left_alone(self):
        for word in ("red", "gel", "oil", "spf", "gloss", "plus"):
            with self.subTest(word=word):
                self.assertEqual(stem(word), word)

    def test_british_and_american_spellings_match(self):
        self.assertEqual(tokenize("Colour protect moisturiser"), tokenize("color protect moisturizer"))
        self.assertEqual(tokenize("volumising"), tokenize("volumizing"))

    def test_compounds_typed_as_two_words(self):
        self.assertEqual(tokenize("eye liner"), ["eyeliner"])
        self.assertEqual(tokenize("sun screen"), ["sunscreen"])
        self.assertEqual(tokenize("lip stick"), ["lipstick"])

    def test_spf_variants_are_one_term(self):
        for text in ("SPF 50", "spf50", "SPF50+", "spf 50+"):
            with self.subTest(text=text):
                self.assertEqual(tokenize(text), ["spf50"])

    def test_numbers_and_unicode_survive(self):
        self.assertEqual(tokenize("Niacinamide 10%"), ["niacinamid", "10"])
        self.assertEqual(tokenize("Crème Brûlée"), ["crèm", "brûlé"])

    def test_is_deterministic_and_order_preserving(self):
        text = "Waterproof Volume Mascara: volume and curl"
        self.assertEqual(tokenize(text), tokenize(text))
        self.assertEqual(tokenize(text), ["waterproof", "volum", "mascara", "volum", "curl"])


if __name__ == "__main__":
    unittest.main()
