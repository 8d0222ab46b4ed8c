"""The figures of the series, one module per lesson, named like the notebook and its exercises.

``02b_build_your_own_engine``: :mod:`helpers.figures.build_your_own_engine`.
A figure function takes plain values and returns a ``matplotlib.figure.Figure``.
"""
