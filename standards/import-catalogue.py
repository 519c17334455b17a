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
    # Over time: `consecutive` snapshots in a row of one burst; the "暂停服务" sign on the counter excuses an empty seat.
    "presence.unattended-window": ([dict(when="absent-from-zone", labels=["person"], zones=["seat"], min_confidence=0.35, consecutive=3,
                                         excused_by=dict(labels=["pause-sign"], zones=["desk"], min_confidence=0.6), points=5)], 5),
    "presence.away-sign": ([dict(when="absent-from-zone", labels=["person"], zones=["seat"], min_confidence=0.35,
                                 excused_by=dict(labels=["pause-sign"], zones=["desk"], min_confidence=0.6), points=2)], 2),
    "behaviour.lying-on-desk": ([dict(when="below-desk-line", labels=["person"], zones=["seat"], min_confidence=0.35, consecutive=2, points=3)], 3),
    "behaviour.no-chatting-cross-post": ([dict(when="crowd-in-zone", labels=["person"], zones=["seat"], min_confidence=0.35, min_count=2,
                                               consecutive=3, points=3)], 3),
    # Against the camera's reference pictures (see CameraReferences): min_confidence is the check's threshold.
    "desk.coat-on-chair": ([dict(when="object-in-zone", labels=["chair-back-changed"], zones=["chair-back"], min_confidence=0.5, points=2),
                            dict(when="object-in-zone", labels=["handbag", "backpack"], zones=["chair-back"], min_confidence=0.35, points=2)], 2),
    "desk.surface-tidy": ([dict(when="object-in-zone", labels=["desk-changed"], zones=["desk"], min_confidence=0.5, points=1)], 3),
    "desk.fixed-positions": ([dict(when="object-in-zone", labels=["out-of-place"], zones=["desk"], min_confidence=0.5, points=1)], 3),
    "desk.allowed-items-only": ([dict(when="not-allowed-in-zone", zones=["desk"], min_confidence=0.35, points=1,
                                      allowed=["person", "chair", "dining table", "tv", "laptop", "keyboard", "mouse", "book", "remote"])], 3),
    "appearance.uniform-worn": ([dict(when="object-in-zone", labels=["not-uniform"], zones=["seat"], min_confidence=0.5, points=2)], 2),
    # One of torso and trousers/skirt like the uniform, the other not: the gap between their distances from the uniform.
    "appearance.uniform-not-mixed": ([dict(when="object-in-zone", labels=["mixed-uniform"], zones=["seat"], min_confidence=0.25, points=2)], 2),
}

# 6S pillars (000 一 names them: 整理 整顿 清扫 服务 安全 素养) and the categories that roll up to each. No seed assigns
# clauses to pillars: this mapping is DeskVision's local default, like the points.
PILLARS = {
    "整理": ["desk"],
    "整顿": ["signage"],
    "清扫": ["environment"],
    "服务": ["process", "presence"],
    "安全": [],
    "素养": ["appearance", "behaviour"],
}
# Clauses about safety sit in categories that mostly are not; they name their pillar themselves.
PILLAR_OF_CLAUSE = {
    "environment.no-high-power-appliances": "安全",
    "behaviour.no-smoking": "安全",
}

catalogue = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
clauses = []
for c in catalogue["clauses"]:
    c = dict(c)
    c.pop("deduction_points", None)
    c.pop("deduction_rule_zh", None)
    if c["id"] in PILLAR_OF_CLAUSE:
        # Right after the category it overrides, where a reader looks for it.
        items = list(c.items())
        at = [k for k, _ in items].index("category") + 1
        c = dict(items[:at] + [("pillar", PILLAR_OF_CLAUSE[c["id"]])] + items[at:])
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
#   when: crowd-in-zone    - `min_count` or more objects of `labels` in one zone is one violation
#   when: below-desk-line  - each object of `labels` in a zone whose top lies below the camera's `desk_line` is one violation
#   when: not-allowed-in-zone - each detected object in a zone whose label is not in `allowed` (and that no other clause took)
#   labels: the detector's class names, or the reference checks' findings: pause-sign, chair-back-changed, desk-changed,
#     out-of-place, not-uniform, mixed-uniform (see the camera file's `references`); zones: desk, seat, chair-back, customer-view, aisle
#   consecutive: K - a violation only when the rule also held on the K-1 snapshots before, in the same burst
#   excused_by: {labels, zones, min_confidence} - a finding that excuses the rule on a snapshot (the pause sign)
# POINTS ARE LOCAL CHOICES: no seed document states deductions. `points` per violation and `max_points`
# (the most one clause can take from one audit) are DeskVision defaults; set your own.
# `severity` is the catalogue author's suggestion, not stated in any seed.""" % catalogue.get("version"))
def dump(data, flow=None):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=flow)

print(dump({"standard": "窗口6S服务规范（DeskVision 本地默认版）", "version": "2026.1", "default_max_points": 10}, flow=False), end="")
print("""# PILLARS ARE LOCAL CHOICES too: the seeds name the six 6S pillars (000 一) but assign no clause to one. Each
# category of clauses rolls up to one pillar; a clause may name its own `pillar:` instead (the safety clauses do).""")
print(dump({"pillars": PILLARS}), end="")
print(dump({"clauses": clauses}))
