"""The reference solutions, one file per exercise, read as text (package data).

Each file is what a learner hands in when they are done; the starter is made from it by taking
out the bodies of the exercise's tasks (see :mod:`opgrad.exercises.starters`). The graders never
import these files: they check behaviour against opgrad itself.
"""

__all__: list[str] = []
