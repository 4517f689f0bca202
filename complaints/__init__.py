"""Complaints and appeals: who may file what, the law's deadlines, the public register.

`deadlines` (the rules as data, `complaints/data/<rule set>_deadlines.json`), `services` (every
move of the workflow), `register` (what the public sees). Not yet: filing forms, the
commissions' queue, remedies through the protocol workflow, notices.
"""
