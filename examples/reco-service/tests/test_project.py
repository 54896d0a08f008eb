import os
import tomllib
import unittest

import reco
from tests.helpers import ROOT


class ProjectTest(unittest.TestCase):
    def test_package_version_matches_pyproject(self):
        with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
            project = tomllib.load(f)["project"]
        self.assertEqual(project["name"], "reco-service")
        self.assertEqual(project["version"], reco.__version__)
        self.assertEqual(project["dependencies"], [])

    def test_requirements_list_nothing(self):
        with open(os.path.join(ROOT, "requirements.txt")) as f:
            lines = [line.strip() for line in f]
        self.assertEqual([line for line in lines if line and not line.startswith("#")], [])


if __name__ == "__main__":
    unittest.main()
