"""The one write path of the evaluation aggregate.

Views, the command line, imports and the admin change an evaluation only through these
functions. Each takes the acting user, checks the version where the user edited a stale page,
writes in one transaction, records the history entry and moves the evaluation's revision on.
"""
