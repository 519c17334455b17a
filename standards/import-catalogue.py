#!/usr/bin/env python3
"""Builds standards/service-standard.yaml from the shared clause catalogue, once, as a starting point.

After that the YAML is the site's own data: edit it, not this script. Rules and points below are
DeskVision's local defaults; no seed document states point values.
usage: python3 standards/import-catalogue.py ../shared/standards/clauses.yaml > standards/service-standard.yaml
"""
import sys
import yaml

FOOD = ["banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake"]
RULES = {
    "desk.phone-on-desk": ([dict(when="object-in-zone", labels=["cell phone"], zones=["desk"], min_confidence=0.35, points=3)], 6),
    "behaviour.phone-use": ([dict(when="object-in-zone", labels=["cell phone"], zones=["seat"], min_confidence=0.35, points=3)], 6),
    "desk.cup": ([dict(when="object-in-zone", labels=["cup", "bottle", "wine glass"], zones=["desk"], min_confidence=0.35, points=2)], 4),
    "desk.private-items": ([dict(when="object-in-zone", labels=["handbag", "backpack", "suitcase", "umbrella"],
                                 zones=["desk", "customer-view"], min_confidence=0.35, points=2)], 4),
    "behaviour.no-eating": ([dict(when="object-in-zone", labels=FOOD, zones=["desk", "seat"], min_confidence=0.35, points=3)], 6),
    "presence.unattended-window": ([dict(when="absent-from-zone", labels=["person"], zones=["seat"], min_confidence=0.35, points=5)], 5),
}

catalogue = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
clauses = []
for c in catalogue["clauses"]:
    c = dict(c)
    c.pop("deduction_points", None)
    c.pop("deduction_rule_zh", None)
    if c["id"] in RULES:
        rules, cap = RULES[c["id"]]
        c["active"] = True
        c["max_points"] = cap
        c["rules"] = rules
    clauses.append(c)

print("""# DeskVision: the service standard this site scores against.
# Built once from the shared clause catalogue (../shared/standards/clauses.yaml, catalogue version %s) by
# standards/import-catalogue.py; from then on this file is the site's own data. Edit it, bump `version`.
#
# Every text_zh is quoted word for word from the seed documents (sources[].file / section).
# `rules` say how a camera checks a clause; a clause without rules is listed for completeness, not scored.
#   when: object-in-zone   - each detected object of `labels` inside a zone of a kind in `zones` is one violation
#   when: absent-from-zone - a zone of a kind in `zones` with no object of `labels` in it is one violation
#   labels: the detector's class names; zones: desk, seat, chair-back, customer-view, aisle
# POINTS ARE LOCAL CHOICES: no seed document states deductions. `points` per violation and `max_points`
# (the most one clause can take from one audit) are DeskVision defaults; set your own.
# `severity` is the catalogue author's suggestion, not stated in any seed.""" % catalogue.get("version"))
print(yaml.safe_dump({"standard": "窗口6S服务规范（DeskVision 本地默认版）", "version": "2026.1",
                      "default_max_points": 10, "clauses": clauses},
                     allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None))
