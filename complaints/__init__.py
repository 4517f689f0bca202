"""Complaints and appeals: who may file what, the law's deadlines, the public register.

So far: the deadlines, as data (`complaints/data/<election>_deadlines.json`) and the one
computation every part of the workflow will ask (`complaints.deadlines`).
"""
