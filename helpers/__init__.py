"""Reference implementations, figures and checks for the notebook series.

One module per lesson: a notebook calls ``helpers.<module>.<function>``.
"""

__version__ = "0.1.0"
