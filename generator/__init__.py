"""Scrutiny: youth justice inspection records rendered as a website and council papers.

The pipeline, one package (or module) per stage:  load -> validate -> resolve -> plan -> render -> write.
"""

__version__ = "0.1.0"
