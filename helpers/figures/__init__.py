"""Figures of the lessons, one module per lesson (``helpers.figures.<lesson>``).

A figure function takes plain values and returns a :class:`matplotlib.figure.Figure` (built
without pyplot); it calls the reference maths, never the other way round.
"""
