"""Reproducible workflow for "Closed-Form Training Dynamics Reveal Learned Features and Linear
Structure in Word2Vec-like Models" (Karkada et al., NeurIPS 2025)."""

__version__ = "0.1.0"
