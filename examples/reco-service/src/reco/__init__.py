"""reco-service: product recommendations for the beauty catalogue.

The same package is used by training (``training/train.py``) and by the model
server, so queries are tokenised exactly the way products were at training time.
"""

__version__ = "1.4.0"
