"""Reference implementations, figures and checks for the notebook series.

Three kinds of code, in three places:

* **the maths a learner reads** — top-level modules named after the concept, NumPy and the
  standard library only (no plotting, no widgets):

  =============================  ===========================================================
  lesson                         modules
  =============================  ===========================================================
  01 the chain rule              ``calculus``
  02 computational graphs        ``autodiff`` (the engine), ``backward_pass``, ``forward_mode``
  03 backpropagation             ``nn`` (layers), ``optim``, ``gradcheck``, ``data``,
                                 ``training`` (the training loop of 03-05)
  04 deep networks               ``regions``, ``representations``, ``playground``
  05 training deep networks      ``residual``, ``descent``
  =============================  ===========================================================

* **the figures** — ``helpers.figures.<lesson>`` (``chain_rule``, ``computational_graphs``,
  ``backpropagation``, ``deep_networks``, ``training_deep_networks``) and
  ``helpers.figures.style``;
* **the machinery** — ``helpers.ui`` (fast redraws, ``live`` wiring, the playground panel).

The exercise checks of each lesson are ``helpers.exercises.<lesson>``.
"""

__version__ = "0.1.0"
