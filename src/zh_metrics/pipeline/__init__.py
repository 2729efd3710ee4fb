"""Everything `spacy.load` needs: the tokenizer, the embedding, the tagger, the rule
components, the normaliser, the linker and the rulebook they share.

This layer imports nothing from the rest of zh_metrics (corpus tooling, measurement,
interfaces), and nothing heavier than spaCy and numpy at import time.
"""
