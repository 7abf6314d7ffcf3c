"""Graded exercises: the micrograd lecture's path and past it, each a starter and a grader.

``EXERCISES`` lists them; an exercise's ``starter`` is the file a learner starts from and its
``solution`` the reference answer; :func:`grade` runs a learner's file and reports, as text of
at most 25 lines, that it passed or what is wrong. The command line (``opgrad exercises``) and
the static site both call :func:`grade`.
"""

from opgrad.exercises.catalogue import EXERCISES, Exercise, find
from opgrad.exercises.grading import DEFAULT_BUDGET, MAX_LINES, Report, exercise_of, grade

__all__ = [
    "DEFAULT_BUDGET",
    "EXERCISES",
    "MAX_LINES",
    "Exercise",
    "Report",
    "exercise_of",
    "find",
    "grade",
]
