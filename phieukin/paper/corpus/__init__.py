"""A corpus of synthetic filled-in ballots, separate from the reader it measures.

See :mod:`phieukin.paper.corpus.deck` (pages and truth), :mod:`.marks` (how people mark)
and :mod:`.capture` (how sheets are scanned or photographed, and what happens to paper).
"""
