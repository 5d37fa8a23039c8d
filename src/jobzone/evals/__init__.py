"""Measuring draft quality (``jobzone eval``): drafts against approved roles, task labels
against people, each run saved under ``evals/<run-id>/`` and compared with another.

- :mod:`.metrics`: the agreement statistics; :mod:`.align`: which drafted task is which approved
  task; :mod:`.compare_role`: one drafted role against its approved assessment.
- :mod:`.runs`: an evaluation run's folder (settings, a journal and a result per case).
- :mod:`.drafts_eval` and :mod:`.labels`: the two evaluations; :mod:`.sample`: the stratified
  sample of O*NET tasks the second asks about.
- :mod:`.summary`: the run's metrics, one table for both; :mod:`.report`: the table, JSON and HTML
  report (:mod:`.charts` draws its pictures); :mod:`.compare`: two runs' metric deltas with
  bootstrap confidence intervals.
"""
