"""Custom Rasa NLU graph components, referenced by module path in config.yml."""
from bot.privacy import install_pii_filter
from bot.settings import get_settings
from components import (
    count_vectors,
    entity_training,
    feature_copies,
    model_loading,
    prediction_batches,
    prediction_call,
    sparse_stacking,
)

# The Rasa server imports this package when it loads the model, after its
# logging is configured: mask phones and e-mails in its log lines too.
install_pii_filter(get_settings().company.country)

# Loading the model (any of its components is imported first) skips tracing DIET's training
# step: a cold start of about 48 s and 1.3 GB becomes about 14 s and 0.9 GB (components/model_loading.py).
model_loading.install()
# Predicting calls DIET's graph directly, without TensorFlow's dispatch (components/prediction_call.py).
prediction_call.install()
# DIET predicts a list of messages (those the Rasa server reads together, channels/nlu_batches.py)
# as one batch (components/prediction_batches.py).
prediction_batches.install()
# A message's count vectors are counted from sklearn's analysis without sklearn's matrix building
# (components/count_vectors.py).
count_vectors.install()
# A message's sparse features are put side by side without scipy's general block machinery
# (components/sparse_stacking.py).
sparse_stacking.install()
# ... and the first of them copied directly instead of by copy.deepcopy (components/feature_copies.py).
feature_copies.install()
# Training computes DIET's entity loss without decoding the tags for the progress bar's F1: the
# same weights, in less time (components/entity_training.py).
entity_training.install()
