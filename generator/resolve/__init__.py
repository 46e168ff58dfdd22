"""Stage 3, resolve: join records, apply frameworks, derive ratings, check references.

After this stage nothing reads a file and nothing can fail on content: the `Corpus`
holds everything the plan and render stages need.
"""

from generator.resolve.corpus import Corpus
from generator.resolve.resolver import resolve

__all__ = ["Corpus", "resolve"]
