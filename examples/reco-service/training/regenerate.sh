#!/bin/sh
# Rebuild the committed model directories under training-output/ from data/.
# They mirror what training on the Jupyter VM uploads to gs://<bucket>/reco-ranker/<version>/.
# OUT_ROOT lets tests rebuild into a temporary directory and compare.
set -eu
cd "$(dirname "$0")/.."
OUT_ROOT="${OUT_ROOT:-training-output/reco-ranker}"
PYTHON="${PYTHON:-python3}"

# v1: trained before the last 12 products were added to the catalogue.
"$PYTHON" training/train.py --data data/catalogue.csv --out "$OUT_ROOT/v1" --version v1 --limit 108
# v2: the full catalogue.
"$PYTHON" training/train.py --data data/catalogue.csv --out "$OUT_ROOT/v2" --version v2
# A deliberately broken candidate, used to prove the release gate stops it.
"$PYTHON" training/train.py --data data/catalogue.csv --out "$OUT_ROOT/broken" --version v3 --broken
