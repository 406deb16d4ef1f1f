"""Copies of the rules the versioned scripts applied when they shipped: the LEGACY.md
mapping, the profile model's field types, completeness, search tokens and fields.

A script imports these, never today's `documents` or `service` rules, so it keeps its
meaning when those change: the suffix names the script that shipped a copy
(`completeness_0002` is how 0002 and 0003 scored a profile; 0008 rescored every profile
with `completeness_0008`). Nothing else imports them. A change to one of these modules
(or to anything a script imports beyond the runner) shows in `profiles migrate status`
as "rules changed since applied" for each applied script that uses it; a new rule goes
through the recompute step or a new script, not an edit here.
"""
