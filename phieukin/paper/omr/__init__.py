"""Optical mark reading of printed ballots (pure: numpy, OpenCV, zxing-cpp; no Django models)."""
