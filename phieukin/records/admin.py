"""The record has no models of its own, so nothing to administer."""
