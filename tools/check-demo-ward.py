#!/usr/bin/env python3
# check-demo-ward.py — consistency checks of the built-in demo ward
#
# Copyright 2026 The Bedside MAR developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tools/check-demo-ward.py [--dir data/demo] [--codes CODES.md]
#
# Checks data/demo/demo-ward.json (FHIR R4 Bundle) against itself and against
# ../shared/FHIR-PROFILE.md: every reference resolves, identifiers and GS1 check
# digits (GTIN, GSRN), every RxNorm ingredient code is one of CODES.md, date-times
# carry an offset, each active patient lies in one bed of the unit. Then it
# checks scenarios.json and labels.json against the bundle: every payload refers
# to existing data (or, where the scenario says so, deliberately to none), and
# the findings a scenario expects agree with the facts the rules read (weight
# age, allergy records, high-alert ingredients, running and used bags).
#
# Exit status 0 when everything holds, 1 otherwise. Python 3 standard library only.

import argparse
import datetime as dt
import json
import os
import re
import sys
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    TZ = zoneinfo.ZoneInfo("America/New_York")
except zoneinfo.ZoneInfoNotFoundError:
    # No tzdata: the ward's instants all fall in winter (EST).
    TZ = dt.timezone(dt.timedelta(hours=-5), "EST")

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
GTIN = "https://www.gs1.org/gtin"
NDC = "http://hl7.org/fhir/sid/ndc"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
BADGE = "urn:bedside-mar:badge"
PHARMACY_LABEL = "urn:bedside-mar:pharmacy-label"
BAG_ID = "urn:bedside-mar:bag"
ROLE_SYSTEMS = {("http://terminology.hl7.org/CodeSystem/practitioner-role", "nurse"),
                ("urn:bedside-mar:role", "charge-nurse"), ("urn:bedside-mar:role", "it")}
NKDA_CODES = {"409137002", "716186003"}
IV_ROUTE = "47625008"

# RULES.md: every code with its default severity.
RULE_SEVERITY = {
    "BARCODE_INVALID": "block", "WRONG_BARCODE_KIND": "block", "PATIENT_UNKNOWN": "block",
    "PATIENT_MISMATCH": "block", "PRODUCT_UNKNOWN": "block", "PRODUCT_EXPIRED": "block",
    "NO_ACTIVE_ORDER": "block", "ORDER_UNMAPPED": "block", "ORDER_ON_HOLD": "block",
    "ORDER_DISCONTINUED": "block", "ORDER_EXPIRED": "block", "ORDER_NOT_STARTED": "block",
    "ORDER_INCOMPLETE": "block", "DOSE_MISMATCH": "block", "DOSE_PARTIAL": "warn",
    "ROUTE_MISMATCH": "block", "RATE_MISMATCH": "warn", "RATE_ABOVE_SOFT_LIMIT": "warn",
    "RATE_BELOW_SOFT_LIMIT": "warn", "RATE_ABOVE_HARD_LIMIT": "block", "WEIGHT_MISSING": "block",
    "TIME_EARLY": "warn", "TIME_LATE": "warn", "DOSE_ALREADY_GIVEN": "block", "PRN_TOO_SOON": "warn",
    "PRN_MAX_EXCEEDED": "block", "BAG_STILL_INFUSING": "block", "ALLERGY": None,  # block or warn
    "ALLERGY_UNVERIFIED": "warn", "ALLERGIES_NOT_ASSESSED": "info", "BAG_ALREADY_USED": "block",
    "WITNESS_REQUIRED": "info", "WITNESS_MISSING": "block", "CACHE_STALE": "warn", "CLOCK_SKEW": "warn",
    "PATIENT_DATA_INCOMPLETE": "block", "DATA_REJECTED": "block",
}
IDENTITY_BLOCKS = {"BARCODE_INVALID", "WRONG_BARCODE_KIND", "PATIENT_UNKNOWN", "PATIENT_MISMATCH",
                   "PRODUCT_UNKNOWN"}
# RULES.md, WITNESS_REQUIRED default list (by RxNorm ingredient).
HIGH_ALERT = {"5224": "heparin", "253182": "insulin", "6585": "magnesium sulfate"}
POTASSIUM_CHLORIDE = "8591"
# CODES.md: allergy class codes the drug library maps to ingredients.
ALLERGY_CLASSES = {"373270004": {"7980", "733", "723", "8339"},   # penicillin class
                   "387406002": {"10180"}}                       # sulfonamide
OPIOIDS = {"3423", "7052", "4337"}

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
LOOKS_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T")
NDC_RE = re.compile(r"^(\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1})$")


class Checker:
    def __init__(self):
        self.errors = []
        self.notes = []
        self.count = 0

    def ok(self, cond, message):
        self.count += 1
        if not cond:
            self.errors.append(message)
        return cond

    def note(self, message):
        self.notes.append(message)


# --------------------------------------------------------------------------
# GS1

def gs1_check_digit_ok(digits):
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits[:-1])):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10 == int(digits[-1])


def gs1_year(yy, reference_year):
    # GS1 General Specifications 7.12: the century that puts the year within
    # 49 years before and 50 years after the reference year.
    century = reference_year // 100 * 100
    diff = yy - reference_year % 100
    if diff > 50:
        century -= 100
    elif diff < -49:
        century += 100
    return century + yy


class GS1Error(Exception):
    pass


AI_FORMAT = {"01": ("n", 14, 14), "17": ("n", 6, 6), "10": ("x", 1, 20), "21": ("x", 1, 20),
             "8018": ("n", 18, 18), "7003": ("n", 10, 10)}


def parse_bracketed(text, reference_year=2026):
    """Parse a bracketed GS1 element string into {ai: value}; raise GS1Error
    for what a scanner's parser must reject (BARCODE_INVALID)."""
    parts = re.findall(r"\((\d{2,4})\)([^(]*)", text)
    if not parts or "".join(f"({a}){v}" for a, v in parts) != text:
        raise GS1Error("not a bracketed GS1 element string")
    out = {}
    for ai, value in parts:
        if ai not in AI_FORMAT:
            raise GS1Error(f"AI ({ai}) not handled by this checker")
        kind, lo, hi = AI_FORMAT[ai]
        if not lo <= len(value) <= hi:
            raise GS1Error(f"AI ({ai}) length")
        if kind == "n" and not value.isdigit():
            raise GS1Error(f"AI ({ai}) not numeric")
        if ai in ("01", "8018") and not gs1_check_digit_ok(value):
            raise GS1Error(f"AI ({ai}) check digit")
        if ai == "17":
            y, m, d = gs1_year(int(value[:2]), reference_year), int(value[2:4]), int(value[4:6])
            if not 1 <= m <= 12:
                raise GS1Error("AI (17) month")
            if d == 0:
                d = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
            try:
                out["expiry"] = dt.datetime.combine(dt.date(y, m, d), dt.time(23, 59, 59), TZ)
            except ValueError:
                raise GS1Error("AI (17) day")
        if ai == "7003":
            y = gs1_year(int(value[:2]), reference_year)
            try:
                out["expiry"] = dt.datetime(y, int(value[2:4]), int(value[4:6]), int(value[6:8]),
                                            int(value[8:10]), tzinfo=TZ)
            except ValueError:
                raise GS1Error("AI (7003) date-time")
        if ai in out:
            raise GS1Error(f"AI ({ai}) twice")
        out[ai] = value
    return out


PREDEFINED_LENGTH_AIS = {"01", "17"}   # GS1 General Specifications 7.8.5
FIXED_LENGTH = {"01": 14, "17": 6, "7003": 10, "8018": 18}


def raw_to_bracketed(raw):
    """A scanner's GS1 DataMatrix transmission (]d2, GS separators) to the
    bracketed form; GS1Error where a separator is missing or superfluous."""
    if not raw.startswith("]d2"):
        raise GS1Error("no ]d2 symbology identifier")
    data, out = raw[3:], ""
    while data:
        ai = data[:2] if data[:2] in ("01", "17", "10", "21") else data[:4]
        data = data[len(ai):]
        if ai in FIXED_LENGTH:
            value, data = data[:FIXED_LENGTH[ai]], data[FIXED_LENGTH[ai]:]
            if ai not in PREDEFINED_LENGTH_AIS and data:
                if not data.startswith("\x1d"):
                    raise GS1Error(f"no GS after ({ai})")
                data = data[1:]
        else:
            value, _, data = data.partition("\x1d")
        if "\x1d" in value:
            raise GS1Error("stray GS")
        out += f"({ai}){value}"
    return out


# --------------------------------------------------------------------------
# CODES.md

def find_codes_md(explicit):
    candidates = [explicit] if explicit else [
        os.environ.get("BEDSIDE_MAR_CODES"),
        os.path.join(ROOT, "docs", "CODES.md"),
        os.path.join(ROOT, "CODES.md"),
        os.path.join(os.path.dirname(ROOT), "CODES.md"),
    ]
    for c in candidates:
        if c and os.path.exists(c):
            return c
    return None


def read_codes_md(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    rxnorm = set(re.findall(r"^\|\s*(\d+)\s*\|", text, re.M))
    numbers = set(re.findall(r"\b(\d{6,})\b", text))
    return rxnorm, numbers


# --------------------------------------------------------------------------
# The bundle

def walk(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, f"{path}[{i}]")
    else:
        yield path, obj


def walk_dicts(obj, path=""):
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            yield from walk_dicts(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk_dicts(v, f"{path}[{i}]")


def codings(concept):
    return (concept or {}).get("coding", [])


def first_code(concept, system):
    for c in codings(concept):
        if c.get("system") == system:
            return c.get("code")
    return None


def parse_time(s):
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    # A missing offset is reported by check_bundle; read it as local time here.
    return t if t.tzinfo else t.replace(tzinfo=TZ)


class Ward:
    """The bundle, indexed."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.by_key = {}
        self.by_type = {}
        for e in bundle.get("entry", []):
            r = e["resource"]
            self.by_key[(r["resourceType"], r["id"])] = r
            self.by_type.setdefault(r["resourceType"], []).append(r)
        self.anchor = parse_time(bundle["timestamp"])

    def get(self, reference):
        t, _, i = reference.partition("/")
        return self.by_key.get((t, i))

    def of(self, t):
        return self.by_type.get(t, [])

    # Lookups a scan needs.
    def patient_by_mrn(self, mrn):
        for p in self.of("Patient"):
            for i in p.get("identifier", []):
                if first_code(i.get("type"), V2_0203) == "MR" and i.get("value") == mrn:
                    return p
        return None

    def patient_by_gsrn(self, gsrn):
        for p in self.of("Patient"):
            for i in p.get("identifier", []):
                if i.get("system", "").endswith("gsrn") and i.get("value") == gsrn:
                    return p
        return None

    def product_by_gtin(self, gtin):
        for m in self.of("Medication"):
            if first_code(m.get("code"), GTIN) == gtin:
                return m
        return None

    def dispense_by_label(self, label):
        for d in self.of("MedicationDispense"):
            for i in d.get("identifier", []):
                if i.get("system") == PHARMACY_LABEL and i.get("value") == label:
                    return d
        return None

    def badge(self, value):
        for p in self.of("Practitioner"):
            for i in p.get("identifier", []):
                if i.get("system") == BADGE and i.get("value") == value:
                    return p
        return None

    def contained(self, resource, reference):
        for c in resource.get("contained", []):
            if "#" + c["id"] == reference:
                return c
        return None

    def order_medication(self, order):
        ref = order.get("medicationReference", {}).get("reference")
        if not ref:
            return None
        return self.contained(order, ref) if ref.startswith("#") else self.get(ref)

    def dispense_medication(self, d):
        return self.contained(d, d["medicationReference"]["reference"])

    def ingredient_codes(self, medication):
        return {first_code(i.get("itemCodeableConcept"), RXNORM) for i in medication.get("ingredient", [])}

    def order_ingredients(self, order):
        med = self.order_medication(order)
        if med is not None:
            return self.ingredient_codes(med)
        code = first_code(order.get("medicationCodeableConcept"), RXNORM)
        return {code} if code else None   # None: cannot be mapped

    def patient_orders(self, patient_id):
        return [o for o in self.of("MedicationRequest") if o["subject"]["reference"] == f"Patient/{patient_id}"]

    def patient_allergies(self, patient_id):
        return [a for a in self.of("AllergyIntolerance") if a["patient"]["reference"] == f"Patient/{patient_id}"]

    def latest_weight(self, patient_id):
        best = None
        for o in self.of("Observation"):
            if o["subject"]["reference"] == f"Patient/{patient_id}" and first_code(o["code"], LOINC) == "29463-7":
                t = parse_time(o["effectiveDateTime"])
                if best is None or t > best[0]:
                    best = (t, o["valueQuantity"]["value"])
        return best

    def bag_uses(self, bag_id):
        out = []
        for a in self.of("MedicationAdministration"):
            for i in a.get("identifier", []):
                if i.get("system") == BAG_ID and i.get("value") == bag_id:
                    out.append(a)
        return out

    def administrations_for(self, order_id):
        return [a for a in self.of("MedicationAdministration") if a["request"]["reference"] ==
                f"MedicationRequest/{order_id}"]


def strength_per_ml(ingredient):
    s = ingredient["strength"]
    if s["denominator"].get("code") != "mL":
        return None
    return s["numerator"]["value"] / s["denominator"]["value"], s["numerator"].get("code")


def check_bundle(c, ward, rxnorm_codes, codes_numbers):
    b = ward.bundle
    c.ok(b.get("resourceType") == "Bundle" and b.get("type") == "collection", "Bundle.type must be collection")
    c.ok(bool(DATETIME_RE.match(b.get("timestamp", ""))), "Bundle.timestamp needs a time and an offset")

    seen = set()
    for e in b["entry"]:
        r = e["resource"]
        key = (r["resourceType"], r["id"])
        c.ok(key not in seen, f"duplicate resource {key}")
        seen.add(key)
        c.ok(e.get("fullUrl", "").endswith(f"/{r['resourceType']}/{r['id']}"), f"fullUrl of {key}")

        # References resolve: "Type/id" to an entry, "#id" to a contained resource.
        for path, d in walk_dicts(r):
            ref = d.get("reference")
            if not isinstance(ref, str):
                continue
            if ref.startswith("#"):
                c.ok(ward.contained(r, ref) is not None, f"{key}{path}: contained {ref} missing")
            else:
                c.ok(ward.get(ref) is not None, f"{key}{path}: reference {ref} does not resolve")

        # Date-times carry an offset.
        for path, v in walk(r):
            if isinstance(v, str) and LOOKS_DATETIME_RE.match(v):
                c.ok(bool(DATETIME_RE.match(v)), f"{key}{path}: date-time without offset: {v}")

        # GTIN, NDC, GSRN.
        for path, d in walk_dicts(r):
            if d.get("system") == GTIN and "code" in d:
                g = d["code"]
                c.ok(len(g) == 14 and gs1_check_digit_ok(g), f"{key}{path}: GTIN {g} (14 digits, check digit)")
            if d.get("system") == NDC and "code" in d:
                c.ok(bool(NDC_RE.match(d["code"])), f"{key}{path}: NDC {d['code']} not 4-4-2/5-3-2/5-4-1")
            if d.get("system", "").endswith("gsrn") and "value" in d:
                g = d["value"]
                c.ok(len(g) == 18 and gs1_check_digit_ok(g), f"{key}{path}: GSRN {g} (18 digits, check digit)")
            if d.get("system") == UCUM:
                c.ok("code" in d and "value" in d, f"{key}{path}: UCUM quantity without code or value")

    # A GTIN with the US NDC prefix (03) must agree with the NDC coding.
    for m in ward.of("Medication"):
        g, n = first_code(m.get("code"), GTIN), first_code(m.get("code"), NDC)
        if g and n:
            c.ok(g.startswith("003") and g[3:13] == n.replace("-", ""), f"Medication/{m['id']}: GTIN {g} vs NDC {n}")

    # RxNorm: ingredient-level codes must be CODES.md's.
    def rx(concept, where, ingredient_level=True):
        for cd in codings(concept):
            if cd.get("system") != RXNORM:
                continue
            if rxnorm_codes is None:
                continue
            if ingredient_level:
                c.ok(cd["code"] in rxnorm_codes, f"{where}: RxNorm {cd['code']} ({cd.get('display')}) not in CODES.md")
            elif cd["code"] not in rxnorm_codes:
                c.note(f"{where}: RxNorm {cd['code']} ({cd.get('display')}) is a clinical-drug code "
                       f"outside CODES.md, resolved through its Medication's ingredients")

    def check_medication(m, where, catalog):
        rx(m.get("code"), where, ingredient_level=False)
        if catalog:
            c.ok(first_code(m.get("code"), GTIN) is not None, f"{where}: catalog product without GTIN")
            c.ok("amount" in m, f"{where}: no amount (container volume)")
        c.ok(bool(codings(m.get("form"))), f"{where}: no form")
        c.ok(bool(m.get("ingredient")), f"{where}: no ingredient")
        if first_code(m.get("code"), RXNORM) and not catalog:
            c.ok(bool(m.get("ingredient")), f"{where}: a clinical-drug code needs its ingredients")
        for n, i in enumerate(m.get("ingredient", [])):
            rx(i.get("itemCodeableConcept"), f"{where}.ingredient[{n}]")
            c.ok(first_code(i.get("itemCodeableConcept"), RXNORM) is not None,
                 f"{where}.ingredient[{n}]: no RxNorm code")
            s = i.get("strength", {})
            c.ok(all(s.get(k, {}).get("system") == UCUM for k in ("numerator", "denominator")),
                 f"{where}.ingredient[{n}]: strength is not a UCUM Ratio")

    for m in ward.of("Medication"):
        check_medication(m, f"Medication/{m['id']}", catalog=True)
    for o in ward.of("MedicationRequest"):
        rx(o.get("medicationCodeableConcept"), f"MedicationRequest/{o['id']}")
    for a in ward.of("AllergyIntolerance"):
        rx(a.get("code"), f"AllergyIntolerance/{a['id']}")
    for r in ward.of("MedicationRequest") + ward.of("MedicationDispense") + ward.of("MedicationAdministration"):
        for m in r.get("contained", []):
            check_medication(m, f"{r['resourceType']}/{r['id']}#{m['id']}", catalog=False)

    # SNOMED codes used for routes, forms and allergies must be CODES.md's.
    if codes_numbers is not None:
        for r in ward.of("MedicationRequest"):
            for d in r.get("dosageInstruction", []):
                code = first_code(d.get("route"), SNOMED)
                c.ok(code in codes_numbers, f"MedicationRequest/{r['id']}: route {code} not in CODES.md")
        for m in ward.of("Medication"):
            code = first_code(m.get("form"), SNOMED)
            if code:
                c.ok(code in codes_numbers, f"Medication/{m['id']}: form {code} not in CODES.md")
        for a in ward.of("AllergyIntolerance"):
            code = first_code(a.get("code"), SNOMED)
            if code:
                c.ok(code in codes_numbers, f"AllergyIntolerance/{a['id']}: {code} not in CODES.md")

    # Locations: beds part of the unit.
    units = [l for l in ward.of("Location") if "partOf" not in l]
    c.ok(len(units) == 1, "exactly one unit Location (without partOf)")
    unit_ref = f"Location/{units[0]['id']}" if units else None
    beds = {f"Location/{l['id']}" for l in ward.of("Location") if l.get("partOf", {}).get("reference") == unit_ref}
    c.ok(len(beds) == 12, f"12 beds part of the unit (found {len(beds)})")

    # Patients: MRN, one in-progress encounter at a bed.
    mrns = set()
    occupied = set()
    for p in ward.of("Patient"):
        ids = [i for i in p.get("identifier", []) if first_code(i.get("type"), V2_0203) == "MR"]
        c.ok(len(ids) == 1, f"Patient/{p['id']}: one MRN identifier (type MR)")
        for i in ids:
            c.ok(i["value"] not in mrns, f"duplicate MRN {i['value']}")
            mrns.add(i["value"])
        c.ok(isinstance(p.get("active"), bool) and "birthDate" in p and "gender" in p and p.get("name"),
             f"Patient/{p['id']}: active, birthDate, gender, name")
        encs = [e for e in ward.of("Encounter") if e["subject"]["reference"] == f"Patient/{p['id']}"
                and e["status"] == "in-progress"]
        if p["active"]:
            c.ok(len(encs) == 1, f"Patient/{p['id']}: one in-progress Encounter")
            for e in encs:
                loc = e["location"][0]["location"]["reference"]
                c.ok(loc in beds, f"Encounter/{e['id']}: not at a bed of the unit")
                c.ok(loc not in occupied, f"Encounter/{e['id']}: bed {loc} already occupied")
                occupied.add(loc)
        else:
            c.ok(not encs, f"Patient/{p['id']}: inactive patient with an in-progress Encounter")

    for o in ward.of("Observation"):
        c.ok(first_code(o["code"], LOINC) == "29463-7" and o["valueQuantity"]["code"] == "kg",
             f"Observation/{o['id']}: LOINC 29463-7 in kg")

    # Orders.
    statuses = {"active", "on-hold", "cancelled", "stopped", "completed", "entered-in-error", "draft"}
    for o in ward.of("MedicationRequest"):
        w = f"MedicationRequest/{o['id']}"
        c.ok(o["status"] in statuses, f"{w}: status {o['status']}")
        c.ok(o["intent"] in ("order", "original-order", "instance-order"), f"{w}: intent")
        c.ok(("medicationCodeableConcept" in o) != ("medicationReference" in o), f"{w}: one medication[x]")
        enc = ward.get(o["encounter"]["reference"])
        c.ok(enc is not None and enc["subject"]["reference"] == o["subject"]["reference"], f"{w}: encounter's subject")
        c.ok(len(o.get("dosageInstruction", [])) >= 1, f"{w}: dosageInstruction[0]")
        if o.get("priority") == "stat" or "event" in o["dosageInstruction"][0].get("timing", {}):
            ev = o["dosageInstruction"][0].get("timing", {}).get("event", [])
            c.ok(ev == [o["authoredOn"]], f"{w}: a one-time dose is due at authoredOn")

    # Dispenses.
    labels = set()
    for d in ward.of("MedicationDispense"):
        w = f"MedicationDispense/{d['id']}"
        ids = [i["value"] for i in d.get("identifier", []) if i.get("system") == PHARMACY_LABEL]
        c.ok(len(ids) == 1 and ids[0] not in labels, f"{w}: one unique pharmacy label")
        labels.update(ids)
        order = ward.get(d["authorizingPrescription"][0]["reference"])
        c.ok(order is not None and order["subject"]["reference"] == d["subject"]["reference"],
             f"{w}: its order belongs to another patient")
        med = ward.dispense_medication(d)
        c.ok(med is not None and DATETIME_RE.match(med.get("batch", {}).get("expirationDate", "")) is not None,
             f"{w}: contained Medication with a beyond-use date-time")
        if med is not None and order is not None:
            oi = ward.order_ingredients(order)
            c.ok(oi is None or oi == ward.ingredient_codes(med), f"{w}: bag ingredients differ from its order's")

    # Administrations.
    ma_statuses = {"in-progress", "on-hold", "completed", "stopped", "not-done", "entered-in-error"}
    uuids = set()
    for a in ward.of("MedicationAdministration"):
        w = f"MedicationAdministration/{a['id']}"
        c.ok(a["status"] in ma_statuses, f"{w}: status")
        first = a["identifier"][0]
        c.ok(first.get("system") == "urn:ietf:rfc:3986" and first.get("value", "").startswith("urn:uuid:")
             and first["value"] not in uuids, f"{w}: identifier[0] must be a unique urn:uuid")
        uuids.add(first["value"])
        order = ward.get(a["request"]["reference"])
        c.ok(order["subject"]["reference"] == a["subject"]["reference"], f"{w}: request of another patient")
        ctx = ward.get(a["context"]["reference"])
        c.ok(ctx["subject"]["reference"] == a["subject"]["reference"], f"{w}: context of another patient")
        for perf in a.get("performer", []):
            pr = ward.get(perf["actor"]["reference"])
            c.ok(pr is not None and pr["active"], f"{w}: performer must be an active practitioner")
        if "effectivePeriod" in a:
            per = a["effectivePeriod"]
            if a["status"] == "in-progress":
                c.ok("end" not in per, f"{w}: in-progress with an end")
            else:
                c.ok("end" in per and parse_time(per["start"]) < parse_time(per["end"]), f"{w}: period")
            start = parse_time(per["start"])
        else:
            start = parse_time(a["effectiveDateTime"])
        c.ok(start <= ward.anchor, f"{w}: charted after 'now'")
        for i in a["identifier"][1:]:
            c.ok(i.get("system") == BAG_ID, f"{w}: second identifier must be {BAG_ID}")
            v = i.get("value", "")
            if v.startswith("01"):
                g = v[2:16]
                c.ok(v[16:18] == "21" and ward.product_by_gtin(g) is not None, f"{w}: bag id {v}")
                med = ward.contained(a, a["medicationReference"]["reference"])
                c.ok(first_code(med.get("code"), GTIN) == g, f"{w}: bag id GTIN differs from its Medication")
            else:
                c.ok(ward.dispense_by_label(v) is not None, f"{w}: bag label {v} has no dispense")

    # Staff.
    badges = set()
    for p in ward.of("Practitioner"):
        ids = [i["value"] for i in p.get("identifier", []) if i.get("system") == BADGE]
        c.ok(len(ids) == 1 and ids[0] not in badges, f"Practitioner/{p['id']}: one unique badge")
        badges.update(ids)
        roles = [r for r in ward.of("PractitionerRole") if r["practitioner"]["reference"] == f"Practitioner/{p['id']}"]
        c.ok(len(roles) == 1, f"Practitioner/{p['id']}: one PractitionerRole")
        for r in roles:
            codes = {(cd["system"], cd["code"]) for cc in r.get("code", []) for cd in cc.get("coding", [])}
            c.ok(codes and codes <= ROLE_SYSTEMS, f"PractitionerRole/{r['id']}: role code")
            c.ok(r["location"][0]["reference"] == unit_ref, f"PractitionerRole/{r['id']}: location is the unit")
            c.ok(r["active"] == p["active"], f"PractitionerRole/{r['id']}: active differs from the Practitioner")

    for a in ward.of("AllergyIntolerance"):
        ver = first_code(a.get("verificationStatus"), "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification")
        c.ok(ver == "entered-in-error" or "clinicalStatus" in a, f"AllergyIntolerance/{a['id']}: clinicalStatus")
        c.ok(ward.get(a["patient"]["reference"]) is not None, f"AllergyIntolerance/{a['id']}: patient")


# --------------------------------------------------------------------------
# Scenarios

def classify(ward, payload):
    """What a scan is in this ward: (kind, object, gs1 dict or error)."""
    if payload.startswith("("):
        try:
            ais = parse_bracketed(payload, ward.anchor.year)
        except GS1Error as e:
            return "invalid", None, str(e)
        if "8018" in ais:
            return "wristband", ward.patient_by_gsrn(ais["8018"]), ais
        if "01" in ais:
            return "product", ward.product_by_gtin(ais["01"]), ais
        return "invalid", None, "no (01) or (8018)"
    p = ward.patient_by_mrn(payload)
    if p is not None:
        return "wristband", p, None
    d = ward.dispense_by_label(payload)
    if d is not None:
        return "label", d, None
    if ward.badge(payload) is not None:
        return "badge", ward.badge(payload), None
    return "unknown", None, None


def is_high_alert(ward, medication, order):
    for i in medication.get("ingredient", []):
        code = first_code(i["itemCodeableConcept"], RXNORM)
        if code in HIGH_ALERT:
            return True
        if code == POTASSIUM_CHLORIDE:
            per_ml = strength_per_ml(i)
            if per_ml and per_ml[1] == "meq" and per_ml[0] > 0.1:
                return True
        if code in OPIOIDS and order is not None:
            di = order["dosageInstruction"][0]
            rate = di.get("doseAndRate", [{}])[0].get("rateQuantity")
            timing = di.get("timing", {})
            if rate and "frequency" not in timing.get("repeat", {}) and "event" not in timing:
                return True   # an opioid infusion
    return False


# --------------------------------------------------------------------------
# Due times (RULES.md, Time), enough to check the time scenarios' expectations

PERIOD = {"min": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1), "d": dt.timedelta(days=1),
          "wk": dt.timedelta(weeks=1)}


def is_continuous(order):
    di = order["dosageInstruction"][0]
    t = di.get("timing", {})
    rate = di.get("doseAndRate", [{}])[0].get("rateQuantity")
    return bool(rate) and "frequency" not in t.get("repeat", {}) and "event" not in t


def is_one_time(order):
    t = order["dosageInstruction"][0].get("timing", {})
    return order.get("priority") == "stat" or ("event" in t and len(t["event"]) == 1)


def due_times(order, until):
    t = order["dosageInstruction"][0].get("timing", {})
    if "event" in t:
        return sorted(parse_time(e) for e in t["event"])
    rep = t.get("repeat", {})
    if "frequency" not in rep:
        return []
    bounds = rep.get("boundsPeriod", {})
    start = parse_time(bounds["start"])
    end = parse_time(bounds["end"]) if "end" in bounds else None
    step = PERIOD[rep["periodUnit"]] * rep["period"] / rep["frequency"]
    out = []
    if "timeOfDay" in rep:
        day = start.astimezone(TZ).date()
        while len(out) < 1000:
            for tod in rep["timeOfDay"]:
                h, m, _ = (int(x) for x in tod.split(":"))
                due = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)
                if due >= start:
                    out.append(due)
            day += dt.timedelta(days=1)
            if out and out[-1] > until:
                break
    else:
        due = start
        while due <= until:
            out.append(due)
            due = (due.astimezone(TZ).replace(tzinfo=None) + step).replace(tzinfo=TZ)
    if end:
        out = [d for d in out if d <= end]
    if "count" in rep:
        out = out[:rep["count"]]
    return out


def window_minutes(order):
    rep = order["dosageInstruction"][0].get("timing", {}).get("repeat", {})
    every = PERIOD[rep["periodUnit"]] * rep["period"] / rep["frequency"]
    if every < dt.timedelta(hours=4):
        return 30
    if every < dt.timedelta(hours=24):
        return 60
    return 120


def admin_start(a):
    return parse_time(a["effectivePeriod"]["start"] if "effectivePeriod" in a else a["effectiveDateTime"])


def time_findings(ward, order, now, partial):
    """The time codes RULES.md gives for a scan of @order's product at @now."""
    found = set()
    di = order["dosageInstruction"][0]
    charted = [a for a in ward.administrations_for(order["id"]) if a["status"] != "entered-in-error"]
    if di.get("asNeededBoolean"):
        rep = di["timing"]["repeat"]
        interval = PERIOD[rep["periodUnit"]] * rep["period"]
        if charted and now - max(admin_start(a) for a in charted) < interval:
            found.add("PRN_TOO_SOON")
        mx = di.get("maxDosePerPeriod")
        if mx:
            span = PERIOD[mx["denominator"]["code"]] * mx["denominator"]["value"]
            recent = [a for a in charted if now - admin_start(a) < span]
            if "code" in mx["numerator"]:
                given = sum(a["dosage"]["dose"]["value"] for a in recent)
                if given + di["doseAndRate"][0]["doseQuantity"]["value"] > mx["numerator"]["value"]:
                    found.add("PRN_MAX_EXCEEDED")
            elif len(recent) + 1 > mx["numerator"]["value"]:
                found.add("PRN_MAX_EXCEEDED")
        return found
    if is_continuous(order):
        return found
    dues = due_times(order, now + dt.timedelta(days=2))
    if not dues:
        return found
    nearest = min(dues, key=lambda d: abs((d - now).total_seconds()))
    delta = (now - nearest).total_seconds() / 60
    if is_one_time(order):
        if delta < 0:
            found.add("TIME_EARLY")
        elif delta > 30:
            found.add("TIME_LATE")
    else:
        w = window_minutes(order)
        if delta < -w:
            found.add("TIME_EARLY")
        elif delta > w:
            found.add("TIME_LATE")
    # Each charted dose belongs to the due time nearest its start.
    for a in charted:
        if min(dues, key=lambda d: abs((d - admin_start(a)).total_seconds())) == nearest and not partial:
            found.add("DOSE_ALREADY_GIVEN")
    return found


TIME_CODES = {"TIME_EARLY", "TIME_LATE", "DOSE_ALREADY_GIVEN", "PRN_TOO_SOON", "PRN_MAX_EXCEEDED"}


def scenario_time_check(ward, s, order, codes, now):
    if order["status"] != "active" or {"ORDER_NOT_STARTED", "ORDER_EXPIRED"} & set(codes):
        return None
    return time_findings(ward, order, now, "DOSE_PARTIAL" in codes)


def check_scenarios(c, ward, doc, stability=None):
    anchor = ward.anchor
    ids = set()
    fresh_bags = {}
    for s in doc["scenarios"]:
        w = f"scenario {s['id']}"
        c.ok(s["id"] not in ids, f"{w}: duplicate id")
        ids.add(s["id"])
        codes = {x["code"]: x["severity"] for x in s["codes"]}
        for code, sev in codes.items():
            c.ok(code in RULE_SEVERITY, f"{w}: unknown code {code}")
            default = RULE_SEVERITY.get(code)
            if code == "ALLERGY":
                c.ok(sev in ("block", "warn"), f"{w}: ALLERGY severity")
            else:
                c.ok(sev == default, f"{w}: {code} is {default} in RULES.md, not {sev}")
        if s["kind"] == "verify":
            worst = "block" if "block" in codes.values() else "warn" if "warn" in codes.values() else "pass"
            c.ok(s["verdict"] == worst, f"{w}: verdict {s['verdict']} but worst finding is {worst}")
            if set(codes) & IDENTITY_BLOCKS:
                c.ok(len(codes) == 1, f"{w}: an identity block comes alone")
            if s["verdict"] == "warn":
                c.ok("reason" in s["requires"], f"{w}: a warning requires a reason")
            if "WITNESS_REQUIRED" in codes and s["verdict"] != "block":
                c.ok("witness" in s["requires"], f"{w}: WITNESS_REQUIRED requires witness")

        for slot in ("patient_scan", "product_scan"):
            raw = s.get(slot + "_raw")
            if s[slot].startswith("("):
                try:
                    c.ok(raw is not None and raw_to_bracketed(raw) == s[slot], f"{w}: {slot}_raw differs")
                except GS1Error as e:
                    c.ok(False, f"{w}: {slot}_raw: {e}")
            else:
                c.ok(raw is None, f"{w}: {slot}_raw for a plain identifier")

        pk, patient, pinfo = classify(ward, s["patient_scan"])
        qk, product, qinfo = classify(ward, s["product_scan"])

        # Patient scan.
        if "BARCODE_INVALID" in codes and pk == "invalid":
            pass
        elif "WRONG_BARCODE_KIND" in codes and pk != "wristband":
            c.ok(pk in ("product", "label", "badge"), f"{w}: patient slot should be another kind of code")
            continue
        elif "PATIENT_UNKNOWN" in codes:
            c.ok(patient is None or not patient["active"], f"{w}: wristband resolves to an active patient")
            continue
        else:
            c.ok(pk == "wristband" and patient is not None and patient["active"],
                 f"{w}: wristband {s['patient_scan']} is no active patient")
            if patient is None:
                continue
            enc = [e for e in ward.of("Encounter") if e["subject"]["reference"] == f"Patient/{patient['id']}"]
            bed_name = ward.get(enc[0]["location"][0]["location"]["reference"])["name"] if enc else None
            if s.get("bed") is not None:
                c.ok(bed_name == f"4W-{s['bed']:02d}", f"{w}: patient is in {bed_name}, not bed {s['bed']}")
        if "BARCODE_INVALID" in codes:
            c.ok(pk == "invalid" or qk == "invalid", f"{w}: no payload is invalid ({pinfo or ''} {qinfo or ''})")
            continue

        # Product scan.
        if "WRONG_BARCODE_KIND" in codes:
            c.ok(qk in ("wristband", "badge"), f"{w}: product slot holds a {qk}")
            continue
        if "PRODUCT_UNKNOWN" in codes:
            c.ok(qk in ("product", "unknown") and product is None, f"{w}: product is known ({qk})")
            continue
        c.ok(qk in ("product", "label") and product is not None, f"{w}: product scan resolves to nothing ({qk})")
        if product is None:
            continue
        if "PATIENT_MISMATCH" in codes:
            c.ok(qk == "label" and product["subject"]["reference"] != f"Patient/{patient['id']}",
                 f"{w}: the label is this patient's")
            continue
        if qk == "label":
            c.ok(product["subject"]["reference"] == f"Patient/{patient['id']}", f"{w}: label of another patient")
            medication = ward.dispense_medication(product)
            bag_id = product["identifier"][0]["value"]
            expiry = parse_time(medication["batch"]["expirationDate"])
        else:
            medication = product
            bag_id = f"01{qinfo['01']}21{qinfo['21']}" if "21" in qinfo else None
            expiry = qinfo.get("expiry")

        c.ok(("PRODUCT_EXPIRED" in codes) == (expiry is not None and expiry < anchor),
             f"{w}: PRODUCT_EXPIRED expected={'PRODUCT_EXPIRED' in codes} but expiry {expiry}")

        # Bags: used, running, fresh.
        uses = ward.bag_uses(bag_id) if bag_id else []
        if s["kind"] == "open-infusion":
            run = ward.get(f"MedicationAdministration/{s['running_administration']}")
            c.ok(run is not None and run["status"] == "in-progress" and run in uses,
                 f"{w}: the scanned bag is not the running administration")
        else:
            used = any(u["status"] != "in-progress" for u in uses)
            c.ok(("BAG_ALREADY_USED" in codes) == used, f"{w}: BAG_ALREADY_USED expected={'BAG_ALREADY_USED' in codes}"
                 f" but the bag has {len(uses)} charted uses")
            c.ok(not any(u["status"] == "in-progress" for u in uses), f"{w}: scans a running bag")
            if bag_id and not uses:
                c.ok(bag_id not in fresh_bags, f"{w}: same bag as {fresh_bags.get(bag_id)}")
                fresh_bags[bag_id] = s["id"]

        # The matched order.
        orders = [o for o in ward.patient_orders(patient["id"]) if o["status"] not in ("draft", "entered-in-error")]
        product_ings = ward.ingredient_codes(medication)
        if qk == "label":
            candidates = [ward.get(product["authorizingPrescription"][0]["reference"])]
        else:
            candidates = [o for o in orders if ward.order_ingredients(o) == product_ings]
        if "NO_ACTIVE_ORDER" in codes:
            c.ok(not candidates, f"{w}: an order matches: {[o['id'] for o in candidates]}")
            c.ok(all(ward.order_ingredients(o) is not None for o in orders if o["status"] == "active"),
                 f"{w}: an unmapped order would make it ORDER_UNMAPPED")
        elif "ORDER_UNMAPPED" in codes:
            c.ok(not candidates, f"{w}: a mappable order matches")
            c.ok(any(ward.order_ingredients(o) is None for o in orders if o["status"] == "active"),
                 f"{w}: no unmapped active order")
        else:
            c.ok(s["order"] in [o["id"] for o in candidates],
                 f"{w}: order {s['order']} is not among the matching ones {[o['id'] for o in candidates]}")
        order = ward.get(f"MedicationRequest/{s['order']}") if s["order"] else None
        if order is None or s["kind"] == "open-infusion":
            continue

        status_code = {"on-hold": "ORDER_ON_HOLD", "stopped": "ORDER_DISCONTINUED",
                       "cancelled": "ORDER_DISCONTINUED", "completed": "ORDER_EXPIRED"}.get(order["status"])
        bounds = order["dosageInstruction"][0].get("timing", {}).get("repeat", {}).get("boundsPeriod", {})
        if "end" in bounds and parse_time(bounds["end"]) < anchor:
            status_code = "ORDER_EXPIRED"
        if status_code:
            c.ok(status_code in codes, f"{w}: order {order['status']} should give {status_code}")
        if "ORDER_NOT_STARTED" in codes:
            c.ok(parse_time(bounds["start"]) - anchor > dt.timedelta(hours=2), f"{w}: order has started")

        di = order["dosageInstruction"][0]
        dr = di.get("doseAndRate", [{}])[0]
        c.ok(("ORDER_INCOMPLETE" in codes) == (not dr.get("doseQuantity") and not dr.get("rateQuantity")),
             f"{w}: ORDER_INCOMPLETE disagrees with the order's dose and rate")
        route = first_code(di.get("route"), SNOMED)
        form_iv = first_code(medication.get("form"), SNOMED) == "385219001"
        c.ok(("ROUTE_MISMATCH" in codes) == (route != IV_ROUTE or not form_iv),
             f"{w}: ROUTE_MISMATCH disagrees with route {route} / form")

        # Weight, allergies and high-alert findings follow from the data.
        weight_based = any("/kg" in (dr.get(k) or {}).get("code", "") for k in ("doseQuantity", "rateQuantity"))
        latest = ward.latest_weight(patient["id"])
        fresh_weight = latest is not None and anchor - latest[0] <= dt.timedelta(days=30)
        c.ok(("WEIGHT_MISSING" in codes) == (weight_based and not fresh_weight),
             f"{w}: WEIGHT_MISSING disagrees with the weight record")
        allergies = ward.patient_allergies(patient["id"])
        c.ok(("ALLERGIES_NOT_ASSESSED" in codes) == (not allergies),
             f"{w}: ALLERGIES_NOT_ASSESSED disagrees with the allergy record")
        unverified = [a for a in allergies if not codings(a.get("code")) and
                      first_code(a["verificationStatus"], a["verificationStatus"]["coding"][0]["system"])
                      not in ("refuted", "entered-in-error")]
        c.ok(("ALLERGY_UNVERIFIED" in codes) == bool(unverified), f"{w}: ALLERGY_UNVERIFIED disagrees with the record")
        def allergens(a):
            code = first_code(a.get("code"), RXNORM)
            if code:
                return {code}
            return ALLERGY_CLASSES.get(first_code(a.get("code"), SNOMED), set())
        matching = [a for a in allergies if allergens(a) & product_ings
                    and first_code(a["verificationStatus"], a["verificationStatus"]["coding"][0]["system"])
                    not in ("refuted", "entered-in-error")]
        if matching:
            sev = "block" if any(a.get("criticality") == "high" for a in matching) else "warn"
            c.ok(codes.get("ALLERGY") == sev, f"{w}: ALLERGY ({sev}) expected ({matching[0]['id']})")
        else:
            c.ok("ALLERGY" not in codes, f"{w}: ALLERGY expected but no allergy matches the product")
        c.ok(("WITNESS_REQUIRED" in codes) == is_high_alert(ward, medication, order),
             f"{w}: WITNESS_REQUIRED disagrees with the high-alert rules")

        expected_time = scenario_time_check(ward, s, order, codes, anchor)
        if expected_time is not None:
            c.ok(expected_time == set(codes) & TIME_CODES,
                 f"{w}: time findings at the anchor are {sorted(expected_time)}, "
                 f"the scenario says {sorted(set(codes) & TIME_CODES)}")
            if stability is not None:
                minutes = 0
                while minutes < 24 * 60 and scenario_time_check(
                        ward, s, order, codes, anchor + dt.timedelta(minutes=minutes + 1)) == expected_time:
                    minutes += 1
                stability[s["id"]] = minutes

        running = [a for a in ward.administrations_for(order["id"]) if a["status"] == "in-progress"]
        if "BAG_STILL_INFUSING" in codes:
            c.ok(bool(running), f"{w}: no bag of this order is infusing")
        if s["kind"] == "verify" and running and "DOSE_ALREADY_GIVEN" not in codes:
            c.ok("BAG_STILL_INFUSING" in codes, f"{w}: a bag of this order is infusing")
        if "DOSE_ALREADY_GIVEN" in codes:
            c.ok(bool(ward.administrations_for(order["id"])), f"{w}: nothing charted for this order")
        if "DOSE_PARTIAL" in codes:
            c.ok(bool(ward.administrations_for(order["id"])), f"{w}: no first container charted")
        if "PRN_TOO_SOON" in codes or "PRN_MAX_EXCEEDED" in codes:
            c.ok(di.get("asNeededBoolean") is True and ward.administrations_for(order["id"]),
                 f"{w}: PRN finding on a non-PRN order or without charted doses")
    c.ok(len(ids) >= 40, "scenario table is unexpectedly small")


def check_conditions(c, doc):
    covered = {x["code"] for s in doc["scenarios"] for x in s["codes"]}
    for cond in doc["conditions"]:
        for code in re.split(r"\s*/\s*", cond["code"]):
            covered.add(code)
    missing = sorted(set(RULE_SEVERITY) - covered)
    c.ok(not missing, f"RULES.md codes neither in a scenario nor in the conditions: {missing}")


# --------------------------------------------------------------------------
# Labels

def check_labels(c, ward, labels):
    for wb in labels["wristbands"]:
        p = ward.patient_by_mrn(wb["mrn"])
        c.ok(p is not None and p["id"] == wb["patient_id"], f"wristband {wb['mrn']}: no such patient")
        c.ok(p is not None and p["birthDate"] == wb["birth_date"], f"wristband {wb['mrn']}: birth date")
        for sym in wb["symbols"]:
            if sym["symbology"] == "code128":
                c.ok(sym["data"] == wb["mrn"], f"wristband {wb['mrn']}: Code 128 is not the MRN")
            else:
                ais = parse_bracketed(sym["data"], ward.anchor.year)
                c.ok(ward.patient_by_gsrn(ais.get("8018")) is p, f"wristband {wb['mrn']}: GSRN")
    serials = set()
    for b in labels["iv_bags"]:
        w = f"IV bag {b['gtin']}/{b['serial']}"
        m = ward.product_by_gtin(b["gtin"])
        c.ok(m is not None and m["id"] == b["product_id"], f"{w}: not in the catalog")
        c.ok((b["gtin"], b["serial"]) not in serials, f"{w}: printed twice")
        serials.add((b["gtin"], b["serial"]))
        try:
            ais = parse_bracketed(b["data_at_anchor"], ward.anchor.year)
            c.ok(ais["01"] == b["gtin"] and ais["10"] == b["lot"] and ais["21"] == b["serial"], f"{w}: AIs")
            c.ok((ais["expiry"] < ward.anchor) == (b["expiry_days"] < 0), f"{w}: expiry_days vs data")
        except GS1Error as e:
            c.ok(False, f"{w}: {e}")
    for pl in labels["pharmacy_labels"]:
        d = ward.dispense_by_label(pl["label_id"])
        if pl["order_id"] is None:
            c.ok(d is None, f"pharmacy label {pl['label_id']}: should belong to no dispense")
            continue
        c.ok(d is not None, f"pharmacy label {pl['label_id']}: no dispense")
        if d is not None:
            p = ward.get(d["subject"]["reference"])
            c.ok(ward.patient_by_mrn(pl["mrn"]) is p, f"pharmacy label {pl['label_id']}: patient")
            bud = parse_time(ward.dispense_medication(d)["batch"]["expirationDate"])
            c.ok(round((bud - ward.anchor).total_seconds() / 60) == pl["beyond_use_minutes"],
                 f"pharmacy label {pl['label_id']}: beyond-use minutes")
    for bd in labels["badges"]:
        p = ward.badge(bd["badge"])
        c.ok(p is not None and p["active"] == bd["active"], f"badge {bd['badge']}")


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Check the demo ward's consistency.")
    ap.add_argument("--dir", default=os.path.join(ROOT, "data", "demo"))
    ap.add_argument("--codes", help="path to CODES.md")
    ap.add_argument("-v", "--verbose", action="store_true", help="print notes")
    ap.add_argument("--stability", action="store_true",
                    help="print how many minutes after the anchor each scenario's time findings stay the same")
    args = ap.parse_args()

    def load(name):
        with open(os.path.join(args.dir, name), encoding="utf-8") as f:
            return json.load(f)

    c = Checker()
    ward = Ward(load("demo-ward.json"))
    codes_md = find_codes_md(args.codes)
    rxnorm_codes = codes_numbers = None
    if codes_md:
        rxnorm_codes, codes_numbers = read_codes_md(codes_md)
    else:
        c.note("CODES.md not found: RxNorm and SNOMED codes not checked against it (use --codes)")

    check_bundle(c, ward, rxnorm_codes, codes_numbers)
    scenarios = load("scenarios.json")
    stability = {} if args.stability else None
    check_scenarios(c, ward, scenarios, stability)
    if stability is not None:
        for sid, minutes in sorted(stability.items(), key=lambda kv: kv[1]):
            print(f"{sid}: time findings unchanged for {minutes} min after the anchor"
                  + (" (or more)" if minutes >= 24 * 60 else ""))
    check_conditions(c, scenarios)
    check_labels(c, ward, load("labels.json"))

    counts = {t: len(v) for t, v in sorted(ward.by_type.items())}
    print("demo ward: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    print(f"scenarios: {len(scenarios['scenarios'])}; checks: {c.count}; CODES.md: {codes_md or 'not found'}")
    if args.verbose or not codes_md:
        for n in c.notes:
            print("note: " + n)
    for e in c.errors:
        print("ERROR: " + e)
    print(f"{c.count - len(c.errors)} passed, {len(c.errors)} failed")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
