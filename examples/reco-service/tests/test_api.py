import unittest

from reco.api import DEFAULT_K, MAX_INSTANCES, Query, RequestError, parse_predict, parse_recommendations

CATEGORIES = frozenset({"lipstick", "face wash", "nail polish"})


class PredictRequestTest(unittest.TestCase):
    def assertRejects(self, body, field):
        with self.assertRaises(RequestError) as ctx:
            parse_predict(body, CATEGORIES)
        self.assertEqual(ctx.exception.field, field)

    def test_strings_and_objects(self):
        queries = parse_predict({"instances": ["lipstick", {"query": "face wash", "k": 3}]}, CATEGORIES)
        self.assertEqual(queries, [Query("lipstick", DEFAULT_K, None), Query("face wash", 3, None)])

    def test_parameters_are_defaults_instances_override(self):
        body = {"instances": ["red", {"query": "red", "k": 2, "category": "lipstick"}],
                "parameters": {"k": 4, "category": "Nail Polish"}}
        self.assertEqual(parse_predict(body, CATEGORIES),
                         [Query("red", 4, "nail polish"), Query("red", 2, "lipstick")])

    def test_rejections_name_the_field(self):
        cases = [
            ([], "body"),
            ({}, "instances"),
            ({"instances": []}, "instances"),
            ({"instances": "lipstick"}, "instances"),
            ({"instances": ["x"] * (MAX_INSTANCES + 1)}, "instances"),
            ({"instances": [42]}, "instances[0]"),
            ({"instances": ["ok", {"k": 2}]}, "instances[1].query"),
            ({"instances": ["   "]}, "instances[0].query"),
            ({"instances": ["x" * 501]}, "instances[0].query"),
            ({"instances": [{"query": "x", "k": 0}]}, "instances[0].k"),
            ({"instances": [{"query": "x", "k": 51}]}, "instances[0].k"),
            ({"instances": [{"query": "x", "k": "5"}]}, "instances[0].k"),
            ({"instances": [{"query": "x", "k": True}]}, "instances[0].k"),
            ({"instances": [{"query": "x", "category": "shoes"}]}, "instances[0].category"),
            ({"instances": [{"query": "x", "top_k": 3}]}, "instances[0].top_k"),
            ({"instances": ["x"], "parameters": []}, "parameters"),
            ({"instances": ["x"], "parameters": {"k": 2.5}}, "parameters.k"),
            ({"instances": ["x"], "parameters": {"temperature": 1}}, "parameters.temperature"),
        ]
        for body, field in cases:
            with self.subTest(body=str(body)[:60]):
                self.assertRejects(body, field)


class RecommendationsQueryTest(unittest.TestCase):
    def parse(self, **params):
        return parse_recommendations({k: v if isinstance(v, list) else [v] for k, v in params.items()}, CATEGORIES)

    def test_defaults(self):
        self.assertEqual(self.parse(q="lipstick"), Query("lipstick", DEFAULT_K, None))

    def test_k_and_category(self):
        self.assertEqual(self.parse(q="red", k="3", category="lipstick"), Query("red", 3, "lipstick"))

    def test_rejections_name_the_field(self):
        cases = [({}, "q"), ({"q": ""}, "q"), ({"q": ["a", "b"]}, "q"), ({"q": "x", "k": "five"}, "k"),
                 ({"q": "x", "k": "-1"}, "k"), ({"q": "x", "k": "0"}, "k"), ({"q": "x", "category": "shoes"}, "category")]
        for params, field in cases:
            with self.subTest(params=params), self.assertRaises(RequestError) as ctx:
                self.parse(**params)
            self.assertEqual(ctx.exception.field, field)


if __name__ == "__main__":
    unittest.main()
