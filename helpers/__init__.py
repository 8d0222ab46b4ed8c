"""Reference implementations, figures and checks for the notebook series.

Three kinds of code, in three places:

* **the maths a learner reads** — top-level modules named after the concept, NumPy and the
  standard library only (no plotting, no widgets). Each is listed under the lesson a learner
  meets it in, the first whose notebook, figures or exercise checks import it; later lessons
  that import it again list it under "again" (``tests/test_lesson_map.py`` derives this table
  from the imports and fails when it is out of date):

  =========================  =====================================  =========================
  lesson                     first                                  again
  =========================  =====================================  =========================
  01 the chain rule          ``calculus``
  02 computational graphs    ``autodiff`` (the engine),
                             ``backward_pass``, ``forward_mode``
  02b build your own engine  none: the learner writes the engine    ``autodiff``,
                                                                    ``calculus``
  03 backpropagation         ``nn`` (layers), ``optim``,            ``autodiff``
                             ``gradcheck``, ``data``, ``training``
                             (the training loop), ``jacobians``,
                             ``layer_order``, ``descent`` (the
                             gradient as an arrow, a figure)
  04 deep networks           ``regions``, ``representations``,      ``nn``, ``optim``, ``data``,
                             ``playground``, ``approximation``,     ``training``
                             ``generalisation``
  05 training deep networks  ``residual``, ``normalisation``        ``nn``, ``optim``, ``data``,
                                                                    ``descent``, ``jacobians``,
                                                                    ``generalisation``
  =========================  =====================================  =========================

* **the figures** — ``helpers.figures.<lesson>``, named like the lesson's notebook
  (``chain_rule``, ``computational_graphs``, ``build_your_own_engine``, ``backpropagation``,
  ``deep_networks``, ``training_deep_networks``), ``helpers.figures.style`` and the fast
  redraws of every view, ``helpers.figures.canvas``;
* **the machinery** — ``helpers.ui`` (``live`` wiring, the playground panel): it wires controls
  to the figures' views, so it may import the figures; the figures never import it.

The exercise checks of each lesson are ``helpers.exercises.<lesson>``.
"""

__version__ = "0.1.0"
