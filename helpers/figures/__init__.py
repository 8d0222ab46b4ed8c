"""The figures of the series, one module per lesson, named like the notebook and its exercises.

======================================  ==========================================
notebook                                figures
======================================  ==========================================
``01_chain_rule``                       :mod:`helpers.figures.chain_rule`
``02_computational_graphs``             :mod:`helpers.figures.computational_graphs`
``02b_build_your_own_engine``           :mod:`helpers.figures.build_your_own_engine`
``03_backpropagation``                  :mod:`helpers.figures.backpropagation`
``04_deep_networks``                    :mod:`helpers.figures.deep_networks`
``05_training_deep_networks``           :mod:`helpers.figures.training_deep_networks`
(every lesson)                          :mod:`helpers.figures.style` (palette, sizes)
(every view)                            :mod:`helpers.figures.canvas` (fast redraws, PNG)
(every figure)                          :mod:`helpers.figures.alt` (alt text: ``describe``)
======================================  ==========================================

A figure function takes plain values and returns a ``matplotlib.figure.Figure``; it calls the
maths (the top-level modules of :mod:`helpers`), never the other way round, and only their
public names. It ends with ``return describe(fig, text)``: what the figure shows, in words
written from its parameters (its alt text; a view describes its figure in ``update``). The
widgets (:mod:`helpers.ui`) import the figures; a figure never imports :mod:`helpers.ui`.
"""

from . import alt  # noqa: E402,F401  (a described figure shows its alt text in a notebook)
