"""The record pages take no input beyond the URL; no forms."""
