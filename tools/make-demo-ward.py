#!/usr/bin/env python3
# make-demo-ward.py — writes the built-in demo ward of Bedside MAR
#
# Copyright 2026 The Bedside MAR developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run by hand from the source root; its output is committed:
#
#   tools/make-demo-ward.py            # writes data/demo/*.json and the
#                                      # generated sections of data/demo/README.md
#   tools/make-demo-ward.py --check    # fails if the committed files differ
#
# What it writes (see data/demo/README.md for the formats):
#   data/demo/demo-ward.json   FHIR R4 Bundle (collection): unit "4 West", 12 beds,
#                              patients, orders, products, bag labels, staff, and
#                              doses charted by other terminals, following
#                              ../shared/FHIR-PROFILE.md.
#   data/demo/scenarios.json   what to scan at demo "now" and the expected verdict.
#   data/demo/labels.json      the printable label sheet's content.
#
# Everything is fictional: names, MRNs, GSRNs, badges, staff. GTINs are under
# GS1's example company prefix 0614141 (GS1 General Specifications use it in
# examples), except two real ones taken from tests/data/shared/ndc/ (a Baxter
# 0.9% NaCl irrigation bottle and a Canadian Baxter 0.9% NaCl 100 mL bag),
# each used only for the product it names.
#
# Time: every instant is written relative to ANCHOR, the bundle's timestamp, in
# the unit's time zone (America/New_York). The importer shifts clinical
# instants by (real now - timestamp) so that "now" in the data is the moment
# the demo starts (README, "Time shift").
#
# Python 3 standard library only.

import argparse
import datetime as dt
import json
import os
import re
import sys
import uuid
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "data", "demo")

try:
    TZ = zoneinfo.ZoneInfo("America/New_York")
except zoneinfo.ZoneInfoNotFoundError:
    # No tzdata: every instant of the ward falls in winter (EST), so the fixed
    # offset writes the same files.
    TZ = dt.timezone(dt.timedelta(hours=-5), "EST")
ANCHOR = dt.datetime(2026, 1, 15, 10, 0, tzinfo=TZ)
BASE_URL = "https://demo.bedside-mar.invalid/fhir/R4/"

# Code systems (../shared/FHIR-PROFILE.md, /work/CODES.md).
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NDC = "http://hl7.org/fhir/sid/ndc"
GTIN = "https://www.gs1.org/gtin"
GSRN = "https://www.gs1.org/gsrn"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.9999.1"
LOCAL_FORMULARY = "urn:oid:2.16.840.1.113883.3.9999.3"
BADGE = "urn:bedside-mar:badge"
PHARMACY_LABEL = "urn:bedside-mar:pharmacy-label"
BAG_ID = "urn:bedside-mar:bag"
ROLE_HL7 = "http://terminology.hl7.org/CodeSystem/practitioner-role"
ROLE_LOCAL = "urn:bedside-mar:role"
ORDERABLE_FORM = "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm"
PERFORM_FUNCTION = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"

GS1_EXAMPLE_PREFIX = "0614141"

ROUTES = {
    "iv": (SNOMED, "47625008", "Intravenous route"),
    "im": (SNOMED, "78421000", "Intramuscular route"),
}
FORMS = {
    "injection-solution": (SNOMED, "385219001", "Solution for injection"),
    "tablet": (SNOMED, "385055001", "Tablet"),
    # Not an injectable form: the product the NaCl irrigation scenario is about.
    "irrigation-solution": (ORDERABLE_FORM, "IRSOL", "Irrigation Solution"),
}
UNIT_TEXT = {
    "mg": "mg", "g": "g", "mL": "mL", "[iU]": "units", "U": "units",
    "meq": "mEq", "kg": "kg", "h": "h", "d": "d", "min": "min",
    "mL/h": "mL/h", "[iU]/h": "units/h", "[iU]/kg/h": "units/kg/h",
    "U/kg/h": "units/kg/h", "mg/kg": "mg/kg", "g/kg": "g/kg",
    "mg/kg/h": "mg/kg/h", "mg/h": "mg/h", "{tbl}": "tablet", "1": "container",
}

# The RxNorm ingredients used here, all from /work/CODES.md.
ING = {
    "nacl": ("9863", "sodium chloride"),
    "glucose": ("4850", "glucose"),
    "kcl": ("8591", "potassium chloride"),
    "mgso4": ("6585", "magnesium sulfate"),
    "heparin": ("5224", "heparin"),
    "insulin": ("253182", "insulin, regular, human"),
    "vancomycin": ("11124", "vancomycin"),
    "cefazolin": ("2180", "cefazolin"),
    "ceftriaxone": ("2193", "ceftriaxone"),
    "piperacillin": ("8339", "piperacillin"),
    "tazobactam": ("37617", "tazobactam"),
    "meropenem": ("29561", "meropenem"),
    "infliximab": ("191831", "infliximab"),
    "ivig": ("5657", "immunoglobulin G"),
    "iron-sucrose": ("24909", "iron sucrose"),
    "ketamine": ("6130", "ketamine"),
    "lidocaine": ("6387", "lidocaine"),
    "hydromorphone": ("3423", "hydromorphone"),
    "ondansetron": ("26225", "ondansetron"),
    "thiamine": ("10454", "thiamine"),
    "folic-acid": ("4511", "folic acid"),
    "amino-acids": ("1223", "amino acids"),
    "soybean-oil": ("9949", "soybean oil"),
}


# --------------------------------------------------------------------------
# Small helpers

def at(day, hhmm):
    """An ISO 8601 instant with offset: local wall-clock hhmm on ANCHOR's day + day."""
    h, m = (int(x) for x in hhmm.split(":"))
    d = ANCHOR.date() + dt.timedelta(days=day)
    return dt.datetime(d.year, d.month, d.day, h, m, tzinfo=TZ).isoformat()


def minutes_from_anchor(iso):
    return round((dt.datetime.fromisoformat(iso) - ANCHOR).total_seconds() / 60)


def gs1_check_digit(body):
    """GS1 mod-10 check digit over @body (all digits but the check digit).
    GS1 General Specifications 7.9.1: weights 3,1,3,... from the right."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def gtin14(item_reference):
    """A fictional GTIN-14 under the GS1 example prefix: indicator 0."""
    body = "0" + GS1_EXAMPLE_PREFIX + item_reference
    assert len(body) == 13, body
    return body + gs1_check_digit(body)


def gsrn_for(mrn):
    """A fictional GSRN (AI 8018): example prefix + service reference + check."""
    body = GS1_EXAMPLE_PREFIX + "00" + mrn
    assert len(body) == 17, body
    return body + gs1_check_digit(body)


def q(value, code):
    return {"value": value, "unit": UNIT_TEXT[code], "system": UCUM, "code": code}


def ratio(nv, nc, dv, dc):
    return {"numerator": q(nv, nc), "denominator": q(dv, dc)}


def cc(system, code, display, text=None):
    c = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        c["text"] = text
    return c


def ref(resource_type, rid, display=None):
    r = {"reference": f"{resource_type}/{rid}"}
    if display:
        r["display"] = display
    return r


def fmt_num(v):
    return ("%g" % v) if isinstance(v, float) else str(v)


def fmt_q(value, code):
    return f"{fmt_num(value)} {UNIT_TEXT[code]}"


def yymmdd(date):
    return date.strftime("%y%m%d")


def gs1_bracketed(gtin, expiry="301231", lot=None, serial=None):
    s = f"(01){gtin}(17){expiry}"
    if lot:
        s += f"(10){lot}"
    if serial:
        s += f"(21){serial}"
    return s


def ma_uuid(name):
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, BASE_URL + "MedicationAdministration/" + name))


# --------------------------------------------------------------------------
# The unit and its staff

UNIT = {"id": "loc-4w", "name": "4 West — Medical/Surgical"}
BEDS = [{"id": f"loc-4w-{n:02d}", "name": f"4W-{n:02d}"} for n in range(1, 13)]

# badge, family, given, role, active
STAFF = [
    ("N1001", "Adeyemi-Holt", "Grace", "nurse", True),
    ("N1002", "Villanueva-Crane", "Mateo", "nurse", True),
    ("N1003", "Ramaswamy-Field", "Sunita", "nurse", True),
    ("N1004", "Brandtmeier", "Oliver", "nurse", True),
    ("N1005", "Qureshi-Lang", "Ayesha", "nurse", True),
    ("N1006", "Ekwueme", "Tomás", "nurse", True),
    ("N1007", "Vossberg", "Harriet", "nurse", False),
    ("C2001", "Nakamura-Olsen", "Beatrice", "charge-nurse", True),
    ("C2002", "Okafor-Lindqvist", "Samuel", "charge-nurse", True),
    ("T3001", "Castellanos", "Wren", "it", True),
]
ROLE_TEXT = {"nurse": "Registered nurse", "charge-nurse": "Charge nurse", "it": "IT engineer"}


def prac_id(badge):
    return "prac-" + badge.lower()


def staff_name(badge):
    for b, family, given, _, _ in STAFF:
        if b == badge:
            return f"{given} {family}"
    raise KeyError(badge)


# --------------------------------------------------------------------------
# The product catalog (Medication resources with a GTIN)
#
# ingredients: (ING key, numerator value, numerator UCUM, denominator value,
# denominator UCUM). Only the drug is listed for premixed drugs; the diluent is
# in the name (a diluent listed as an ingredient would make a heparin-in-D5W bag
# match a D5W order). Fluids whose salt is the therapy list it.

def P(key, item, name, form, volume, ingredients, ndc=None, gtin=None, note=None, volume_unit="mL"):
    return {
        "key": key, "id": "med-" + key, "name": name, "form": form,
        "gtin": gtin or gtin14(item), "ndc": ndc, "volume": volume,
        "volume_unit": volume_unit, "ingredients": ingredients,
        "real": gtin is not None, "note": note,
    }


PRODUCTS = [
    P("nacl-0.9-1000", "10010", "0.9% Sodium Chloride Injection USP 1000 mL bag", "injection-solution", 1000,
      [("nacl", 9, "g", 1000, "mL")]),
    P("lr-1000", "10020", "Lactated Ringer's Injection USP 1000 mL bag", "injection-solution", 1000,
      [("nacl", 6, "g", 1000, "mL"), ("kcl", 4, "meq", 1000, "mL")],
      note="Sodium lactate and calcium chloride are not listed: CODES.md has no RxNorm code for them."),
    P("d5w-1000", "10030", "5% Dextrose Injection USP 1000 mL bag", "injection-solution", 1000,
      [("glucose", 50, "g", 1000, "mL")]),
    P("nacl-0.9-100-ca", None, "0.9% Sodium Chloride Injection USP 100 mL VIAFLEX (Baxter Canada, code JB1302)",
      "injection-solution", 100, [("nacl", 0.9, "g", 100, "mL")], gtin="00809080001057",
      note="Real GS1 GTIN not derived from an NDC (tests/data/shared/ndc/ndc-gtin-samples.tsv)."),
    P("vancomycin-1g-250", "20110", "Vancomycin 1 g in 0.9% NaCl 250 mL (ready to use)", "injection-solution", 250,
      [("vancomycin", 1, "g", 250, "mL")]),
    P("vancomycin-1.25g-250", "20125", "Vancomycin 1.25 g in 0.9% NaCl 250 mL (ready to use)", "injection-solution", 250,
      [("vancomycin", 1.25, "g", 250, "mL")]),
    P("cefazolin-2g-100", "20210", "Cefazolin 2 g in dextrose 100 mL (frozen premix)", "injection-solution", 100,
      [("cefazolin", 2, "g", 100, "mL")]),
    P("ceftriaxone-1g-50", "20310", "Ceftriaxone 1 g in dextrose 50 mL (frozen premix)", "injection-solution", 50,
      [("ceftriaxone", 1, "g", 50, "mL")]),
    P("piperacillin-tazobactam-3.375g-50", "20410", "Piperacillin-tazobactam 3.375 g in 50 mL (frozen premix)",
      "injection-solution", 50, [("piperacillin", 3, "g", 50, "mL"), ("tazobactam", 0.375, "g", 50, "mL")]),
    P("meropenem-1g-50", "20510", "Meropenem 1 g and 0.9% NaCl 50 mL (dual-chamber bag)", "injection-solution", 50,
      [("meropenem", 1, "g", 50, "mL")]),
    P("heparin-25000-250", "30110", "Heparin 25,000 units in 0.45% NaCl 250 mL (100 units/mL)", "injection-solution", 250,
      [("heparin", 25000, "[iU]", 250, "mL")]),
    P("heparin-25000-500", "30120", "Heparin 25,000 units in 5% dextrose 500 mL (50 units/mL)", "injection-solution", 500,
      [("heparin", 25000, "[iU]", 500, "mL")]),
    P("insulin-regular-100-100", "30210", "Insulin regular (human) 100 units in 0.9% NaCl 100 mL (1 unit/mL)",
      "injection-solution", 100, [("insulin", 100, "[iU]", 100, "mL")]),
    P("kcl-20meq-100", "30310", "Potassium chloride 20 mEq in water 100 mL (0.2 mEq/mL, central line)",
      "injection-solution", 100, [("kcl", 20, "meq", 100, "mL")]),
    P("kcl-20meq-nacl-1000", "30320", "Potassium chloride 20 mEq in 0.9% NaCl 1000 mL", "injection-solution", 1000,
      [("kcl", 20, "meq", 1000, "mL"), ("nacl", 9, "g", 1000, "mL")]),
    P("mgso4-2g-50", "30410", "Magnesium sulfate 2 g in water 50 mL (40 mg/mL)", "injection-solution", 50,
      [("mgso4", 2, "g", 50, "mL")]),
    P("ivig-10g-100", "40110", "Immune globulin intravenous (human) 10% 10 g/100 mL bottle", "injection-solution", 100,
      [("ivig", 10, "g", 100, "mL")]),
    P("ivig-5g-50", "40105", "Immune globulin intravenous (human) 10% 5 g/50 mL bottle", "injection-solution", 50,
      [("ivig", 5, "g", 50, "mL")]),
    P("iron-sucrose-200-100", "40210", "Iron sucrose 200 mg in 0.9% NaCl 100 mL (outsourcing facility)",
      "injection-solution", 100, [("iron-sucrose", 200, "mg", 100, "mL")]),
    P("ketamine-250-250", "50110", "Ketamine 250 mg in 0.9% NaCl 250 mL (1 mg/mL, outsourcing facility)",
      "injection-solution", 250, [("ketamine", 250, "mg", 250, "mL")]),
    P("lidocaine-2g-500", "50210", "Lidocaine 2 g in 5% dextrose 500 mL (4 mg/mL)", "injection-solution", 500,
      [("lidocaine", 2, "g", 500, "mL")]),
    P("hydromorphone-10mg-50", "50310", "Hydromorphone 10 mg in 0.9% NaCl 50 mL PCA syringe (0.2 mg/mL)",
      "injection-solution", 50, [("hydromorphone", 10, "mg", 50, "mL")]),
    P("hydromorphone-0.5mg-0.5", "50320", "Hydromorphone 0.5 mg/0.5 mL prefilled syringe (1 mg/mL)",
      "injection-solution", 0.5, [("hydromorphone", 0.5, "mg", 0.5, "mL")]),
    P("ondansetron-4mg-tab", "60110", "Ondansetron 4 mg tablet (unit dose)", "tablet", 1,
      [("ondansetron", 4, "mg", 1, "{tbl}")], volume_unit="{tbl}"),
    P("nacl-0.9-irrigation-1000", None, "0.9% Sodium Chloride Irrigation USP 1000 mL (NOT for injection)",
      "irrigation-solution", 1000, [("nacl", 9, "g", 1000, "mL")], ndc="0338-0048-04", gtin="00303380048045",
      note="Real NDC 0338-0048-04 (Baxter); its label's UPC-A 303380048045 is this GTIN."),
]
PROD = {p["key"]: p for p in PRODUCTS}

# A real GTIN that is deliberately NOT in the catalog (PRODUCT_UNKNOWN).
UNKNOWN_REAL_GTIN = "00809080001040"  # Baxter Canada 0.9% NaCl 50 mL, JB1301


def medication_resource(p):
    codings = [{"system": GTIN, "code": p["gtin"], "display": p["name"]}]
    if p["ndc"]:
        codings.append({"system": NDC, "code": p["ndc"], "display": p["name"]})
    r = {
        "resourceType": "Medication",
        "id": p["id"],
        "meta": {"versionId": "1", "lastUpdated": at(-30, "08:00")},
        "code": {"coding": codings, "text": p["name"]},
        "status": "active",
        "form": cc(*FORMS[p["form"]]),
        "amount": {"numerator": q(p["volume"], p["volume_unit"]), "denominator": q(1, "1")},
        "ingredient": [ingredient(*i) for i in p["ingredients"]],
    }
    return r


def ingredient(key, nv, nc, dv, dc):
    code, name = ING[key]
    return {
        "itemCodeableConcept": cc(RXNORM, code, name),
        "isActive": True,
        "strength": ratio(nv, nc, dv, dc),
    }


def compounded_medication(mid, text, volume, ingredients, lot=None, bud=None):
    """A contained Medication: a pharmacy-made bag (not a catalog product)."""
    m = {
        "resourceType": "Medication",
        "id": mid,
        "code": {"text": text},
        "form": cc(*FORMS["injection-solution"]),
        "amount": {"numerator": q(volume, "mL"), "denominator": q(1, "1")},
        "ingredient": [ingredient(*i) for i in ingredients],
    }
    if lot or bud:
        m["batch"] = {}
        if lot:
            m["batch"]["lotNumber"] = lot
        if bud:
            m["batch"]["expirationDate"] = bud
    return m


# --------------------------------------------------------------------------
# Patients

def PT(bed, mrn, family, given, birth, gender, admitted, weights, gsrn=False, story=""):
    return {
        "bed": bed, "id": f"pt-4w-{bed:02d}", "enc": f"enc-4w-{bed:02d}",
        "loc": f"loc-4w-{bed:02d}", "bed_name": f"4W-{bed:02d}",
        "mrn": mrn, "gsrn": gsrn_for(mrn) if gsrn else None,
        "family": family, "given": given, "birth": birth, "gender": gender,
        "admitted": admitted, "weights": weights, "story": story,
    }


PATIENTS = [
    PT(1, "74120318", "Okonkwo-Fairweather", ["Amara"], "1958-03-14", "female", at(0, "07:40"),
       [(at(0, "08:10"), 72.0)], gsrn=True,
       story="Acute pulmonary embolism; admitted from the ED this morning. Heparin to start; maintenance fluids."),
    PT(2, "74120467", "Quillfeather", ["Tobias"], "1947-11-02", "male", at(-3, "16:20"),
       [(at(-1, "06:00"), 80.0)],
       story="Diabetic foot osteomyelitis. Penicillin anaphylaxis (1998). Vancomycin; cefazolin stopped; "
             "piperacillin-tazobactam newly ordered in error."),
    PT(3, "74120529", "Marchbanks", ["Mei-Lin"], "1972-06-21", "female", at(-2, "13:05"),
       [(at(0, "05:30"), 58.5)], gsrn=True,
       story="MRSA bacteremia with pyelonephritis. Vancomycin despite a known infusion reaction (low criticality)."),
    PT(4, "74120683", "Moonfield-Ortega", ["Rafael"], "1965-09-30", "male", at(0, "06:15"),
       [(at(0, "06:40"), 95.0)], gsrn=True,
       story="Diabetic ketoacidosis, moved from the ED. Insulin drip and concentrated potassium (central line)."),
    PT(5, "74120741", "Lanternwick", ["Priya"], "1989-04-08", "female", at(-2, "10:30"),
       [(at(-2, "11:00"), 64.0)],
       story="Crohn's disease flare with iron-deficiency anemia. Infliximab today, iron sucrose from tomorrow."),
    PT(6, "74120856", "Tidewater", ["Kwame"], "1953-12-12", "male", at(-2, "22:45"),
       [],
       story="Hip fracture, repaired yesterday. No weight and no allergy assessment documented yet."),
    PT(7, "74120912", "Halvorsen-Birchwood", ["Ingrid"], "1940-07-19", "female", at(-1, "15:10"),
       [(at(-40, "09:00"), 61.2)], gsrn=True,
       story="Atrial fibrillation with left ventricular thrombus. Last weight 40 days old. Potassium on hold."),
    PT(8, "74121035", "Applethorpe", ["Dmitri"], "1981-02-27", "male", at(-2, "03:20"),
       [(at(-1, "05:45"), 88.0)],
       story="Perforated sigmoid diverticulitis, open sigmoid colectomy. Penicillin allergy refuted in 2023."),
    PT(9, "74121174", "Brightwell", ["Fatima", "Zahra"], "1976-10-03", "female", at(-2, "14:00"),
       [(at(-26, "10:00"), 76.4), (at(0, "06:00"), 75.0)], gsrn=True,
       story="CIDP relapse: IVIG 0.4 g/kg daily for 5 days (day 2 today), given as several bottles."),
    PT(10, "74121248", "Kettleby", ["Hiroshi"], "1960-05-16", "male", at(-2, "19:30"),
       [(at(-1, "06:00"), 70.0)],
       story="Pulmonary embolism and hospital-acquired pneumonia. Heparin bag running; meropenem due 08:30 not given."),
    PT(11, "74121390", "Saltmarsh", ["Lucía"], "1994-08-25", "female", at(-6, "12:00"),
       [(at(0, "06:00"), 55.0)], gsrn=True,
       story="Short bowel syndrome on parenteral nutrition; suspected catheter infection: vancomycin loading dose."),
    PT(12, "74121453", "Ravensworth", ["Jonah"], "1968-01-29", "male", at(-3, "09:10"),
       [(at(-1, "07:00"), 102.0)],
       story="Alcohol withdrawal, hypomagnesemia, leg cellulitis. Daily vitamin/mineral bag; PRN hydromorphone at its limit."),
]
PAT = {p["bed"]: p for p in PATIENTS}

# An inactive duplicate record (merged into bed 2's patient): its old wristband
# must not identify anyone (PATIENT_UNKNOWN).
DUPLICATE = {"id": "pt-4w-02-duplicate", "mrn": "74119977", "family": "Quillfeather", "given": ["Tobias"],
             "birth": "1947-11-02", "gender": "male"}
UNKNOWN_MRN = "74999999"


def patient_name(p):
    return f"{' '.join(p['given'])} {p['family']}"


def patient_resource(p):
    ids = [{
        "use": "usual",
        "type": cc(V2_0203, "MR", "Medical record number"),
        "system": MRN_SYSTEM,
        "value": p["mrn"],
    }]
    if p.get("gsrn"):
        ids.append({"system": GSRN, "value": p["gsrn"]})
    return {
        "resourceType": "Patient",
        "id": p["id"],
        "meta": {"versionId": "1", "lastUpdated": p["admitted"]},
        "identifier": ids,
        "active": True,
        "name": [{"use": "official", "family": p["family"], "given": p["given"]}],
        "gender": p["gender"],
        "birthDate": p["birth"],
    }


def duplicate_resource():
    d = DUPLICATE
    return {
        "resourceType": "Patient",
        "id": d["id"],
        "meta": {"versionId": "3", "lastUpdated": at(-2, "11:00")},
        "identifier": [{"use": "old", "type": cc(V2_0203, "MR", "Medical record number"),
                        "system": MRN_SYSTEM, "value": d["mrn"]}],
        "active": False,
        "name": [{"use": "official", "family": d["family"], "given": d["given"]}],
        "gender": d["gender"],
        "birthDate": d["birth"],
        "link": [{"other": ref("Patient", PAT[2]["id"]), "type": "replaced-by"}],
    }


def encounter_resource(p):
    return {
        "resourceType": "Encounter",
        "id": p["enc"],
        "meta": {"versionId": "1", "lastUpdated": p["admitted"]},
        "status": "in-progress",
        "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
        "subject": ref("Patient", p["id"], patient_name(p)),
        "period": {"start": p["admitted"]},
        "location": [{"location": ref("Location", p["loc"], p["bed_name"]), "status": "active"}],
    }


def weight_resources(p):
    out = []
    for n, (when, kg) in enumerate(p["weights"], 1):
        out.append({
            "resourceType": "Observation",
            "id": f"obs-weight-4w-{p['bed']:02d}-{n}",
            "meta": {"versionId": "1", "lastUpdated": when},
            "status": "final",
            "category": [cc(OBS_CATEGORY, "vital-signs", "Vital Signs")],
            "code": cc(LOINC, "29463-7", "Body weight"),
            "subject": ref("Patient", p["id"]),
            "effectiveDateTime": when,
            "valueQuantity": q(kg, "kg"),
        })
    return out


# --------------------------------------------------------------------------
# Allergies

def ALG(aid, bed, code, text, criticality=None, clinical="active", verification="confirmed",
        reaction=None, category="medication", recorded=None, type_=None, note=None):
    a = {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {"versionId": "1", "lastUpdated": recorded or at(-1, "12:00")},
        "clinicalStatus": cc(ALLERGY_CLINICAL, clinical, clinical.capitalize()),
        "verificationStatus": cc(ALLERGY_VERIFICATION, verification, verification.capitalize()),
        "category": [category],
        "code": code if code else {"text": text},
        "patient": ref("Patient", PAT[bed]["id"]),
        "recordedDate": recorded or at(-1, "12:00"),
    }
    if type_:
        a["type"] = type_
    if code and text:
        a["code"]["text"] = text
    if criticality:
        a["criticality"] = criticality
    if reaction:
        a["reaction"] = [{"manifestation": [reaction]}]
    if note:
        a["note"] = [{"text": note}]
    return a


NKDA = (SNOMED, "409137002", "No known drug allergy")
PENICILLIN_CLASS = (SNOMED, "373270004", "Substance with penicillin structure and antibacterial mechanism of action")

ALLERGIES = [
    ALG("ai-4w-01-nkda", 1, cc(*NKDA), None, recorded=at(0, "07:50")),
    ALG("ai-4w-02-penicillin", 2, cc(*PENICILLIN_CLASS), "Penicillins", criticality="high", type_="allergy",
        reaction=cc(SNOMED, "39579001", "Anaphylaxis"), recorded=at(-3, "16:40"),
        note="Anaphylaxis to amoxicillin in 1998 (intubated)."),
    ALG("ai-4w-03-vancomycin", 3, cc(RXNORM, *ING["vancomycin"]), "Vancomycin", criticality="low",
        type_="intolerance", reaction={"text": "Flushing and itching during a fast infusion (infusion reaction)"},
        recorded=at(-2, "13:30")),
    ALG("ai-4w-04-nkda", 4, cc(*NKDA), None, recorded=at(0, "06:30")),
    ALG("ai-4w-05-nkda", 5, cc(*NKDA), None, recorded=at(-2, "10:45")),
    # Bed 6: nothing at all (ALLERGIES_NOT_ASSESSED).
    ALG("ai-4w-07-sulfa-text", 7, None, "Sulfa antibiotics (reported by daughter; reaction unknown)",
        criticality="unable-to-assess", verification="unconfirmed", recorded=at(-1, "15:30")),
    ALG("ai-4w-08-nkda", 8, cc(*NKDA), None, recorded=at(-2, "03:40")),
    ALG("ai-4w-08-penicillin-refuted", 8, cc(*PENICILLIN_CLASS), "Penicillins", criticality="high",
        verification="refuted", recorded=at(-2, "03:40"),
        note="Delabeled in May 2023 after a negative oral amoxicillin challenge."),
    ALG("ai-4w-09-nkda", 9, cc(*NKDA), None, recorded=at(-2, "14:20")),
    ALG("ai-4w-10-nkda", 10, cc(*NKDA), None, recorded=at(-2, "19:45")),
    ALG("ai-4w-11-nkda", 11, cc(*NKDA), None, recorded=at(-6, "12:30")),
    ALG("ai-4w-12-nka", 12, cc(SNOMED, "716186003", "No known allergy"), None, recorded=at(-3, "09:30")),
]


# --------------------------------------------------------------------------
# Orders (MedicationRequest)

ORDERS = []
ORDER = {}


def order(oid, bed, status, authored, text, *, drug=None, product=None, contained=None,
          route="iv", dose=None, rate=None, timing=None, prn=False, max_per_period=None,
          priority="routine", version="1", note=None, last_updated=None):
    """drug: ING key (medicationCodeableConcept, RxNorm ingredient), or a
    (system, code, display) tuple for any other coding; product: a catalog
    product key (medicationReference); contained: a contained Medication."""
    p = PAT[bed]
    r = {
        "resourceType": "MedicationRequest",
        "id": oid,
        "meta": {"versionId": version, "lastUpdated": last_updated or authored},
        "status": status,
        "intent": "order",
        "priority": priority,
        "subject": ref("Patient", p["id"], patient_name(p)),
        "encounter": ref("Encounter", p["enc"]),
        "authoredOn": authored,
        "requester": {"display": "Dr. Imogen Farrow-Bask (hospitalist)"},
    }
    if contained:
        r["contained"] = [contained]
        r["medicationReference"] = {"reference": "#" + contained["id"], "display": contained["code"]["text"]}
        display = contained["code"]["text"]
    elif product:
        pr = PROD[product]
        r["medicationReference"] = ref("Medication", pr["id"], pr["name"])
        display = pr["name"]
    elif isinstance(drug, tuple):
        r["medicationCodeableConcept"] = cc(*drug)
        display = drug[2]
    else:
        code, name = ING[drug]
        r["medicationCodeableConcept"] = cc(RXNORM, code, name)
        display = name
    dosage = {"sequence": 1, "text": text}
    if timing:
        dosage["timing"] = timing
    if prn:
        dosage["asNeededBoolean"] = True
    if route:
        dosage["route"] = cc(*ROUTES[route])
    dr = {}
    if dose:
        dr["doseQuantity"] = q(*dose)
    if rate:
        dr["rateQuantity"] = q(*rate)
    if dr:
        dosage["doseAndRate"] = [dr]
    if max_per_period:
        dosage["maxDosePerPeriod"] = max_per_period
    r["dosageInstruction"] = [dosage]
    if note:
        r["note"] = [{"text": note}]
    ORDERS.append(r)
    ORDER[oid] = {"resource": r, "bed": bed, "display": display, "text": text}
    return r


def every(hours, start, count=None, end=None, period_unit="h", time_of_day=None, text=None):
    rep = {"boundsPeriod": {"start": start}}
    if end:
        rep["boundsPeriod"]["end"] = end
    if count:
        rep["count"] = count
    rep["frequency"] = 1
    rep["period"] = hours
    rep["periodUnit"] = period_unit
    if time_of_day:
        rep["timeOfDay"] = time_of_day
    t = {"repeat": rep}
    if text:
        t["code"] = {"text": text}
    return t


def continuous(start):
    return {"repeat": {"boundsPeriod": {"start": start}}}


def once(when):
    # A one-time dose: a single event at authoredOn (RULES.md: stat / first /
    # loading doses are due at authoredOn).
    return {"event": [when], "code": {"text": "Once"}}


# Bed 1 — Amara
order("mr-4w-01-heparin", 1, "active", at(0, "09:30"),
      "Heparin 25,000 units/250 mL (100 units/mL): 18 units/kg/h continuous IV, no bolus. Titrate per anti-Xa nomogram.",
      product="heparin-25000-250", rate=(18, "[iU]/kg/h"), timing=continuous(at(0, "09:30")))
order("mr-4w-01-nacl", 1, "active", at(0, "09:00"),
      "0.9% sodium chloride 1000 mL IV at 75 mL/h (maintenance).",
      contained=compounded_medication("scd", "sodium chloride 9 MG/ML Injectable Solution", 1000,
                                      [("nacl", 9, "mg", 1, "mL")]),
      dose=(1000, "mL"), rate=(75, "mL/h"), timing=continuous(at(0, "09:00")))
# The order above names an RxNorm clinical drug (SCD 313002); the contained
# Medication carries its ingredient, so no code map is needed to resolve it.
ORDER["mr-4w-01-nacl"]["resource"]["contained"][0]["code"] = {
    "coding": [{"system": RXNORM, "code": "313002", "display": "sodium chloride 9 MG/ML Injectable Solution"}],
    "text": "Sodium chloride 0.9% injectable solution",
}
del ORDER["mr-4w-01-nacl"]["resource"]["contained"][0]["amount"]

# Bed 2 — Tobias
order("mr-4w-02-piperacillin-tazobactam", 2, "active", at(0, "09:20"),
      "Piperacillin-tazobactam 3.375 g IV every 6 hours over 30 minutes.",
      product="piperacillin-tazobactam-3.375g-50", dose=(3.375, "g"), rate=(100, "mL/h"),
      timing=every(6, at(0, "09:45"), text="every 6 hours"))
order("mr-4w-02-vancomycin", 2, "active", at(-3, "18:00"),
      "Vancomycin 1.25 g IV every 12 hours over 2 hours (trough before the 4th dose).",
      drug="vancomycin", dose=(1.25, "g"), rate=(125, "mL/h"),
      timing=every(12, at(-3, "21:30"), text="every 12 hours"))
order("mr-4w-02-cefazolin", 2, "stopped", at(-3, "17:00"),
      "Cefazolin 2 g IV every 8 hours. STOPPED: switched to vancomycin.",
      drug="cefazolin", dose=(2, "g"), rate=(200, "mL/h"),
      timing=every(8, at(-3, "18:00"), text="every 8 hours"), version="2", last_updated=at(-3, "19:10"))

# Bed 3 — Mei-Lin
order("mr-4w-03-vancomycin", 3, "active", at(-1, "08:30"),
      "Vancomycin 1 g IV every 12 hours over 2 hours.",
      drug="vancomycin", dose=(1, "g"), rate=(125, "mL/h"),
      timing=every(12, at(-1, "10:00"), text="every 12 hours"))
order("mr-4w-03-ceftriaxone", 3, "active", at(-2, "13:30"),
      "Ceftriaxone 1 g IV daily at 09:00.",
      drug="ceftriaxone", dose=(1, "g"), rate=(100, "mL/h"),
      timing=every(1, at(-2, "09:00"), period_unit="d", time_of_day=["09:00:00"], text="daily at 09:00"))
order("mr-4w-03-meropenem-draft", 3, "draft", at(0, "08:45"),
      "DRAFT (not signed): meropenem 1 g IV every 8 hours.",
      drug="meropenem", dose=(1, "g"), rate=(100, "mL/h"),
      timing=every(8, at(0, "10:00"), text="every 8 hours"))

# Bed 4 — Rafael
order("mr-4w-04-insulin", 4, "active", at(0, "09:40"),
      "Insulin regular 100 units/100 mL: 7 units/h continuous IV per DKA protocol.",
      drug="insulin", rate=(7, "[iU]/h"), timing=continuous(at(0, "09:40")))
order("mr-4w-04-kcl", 4, "active", at(0, "09:50"),
      "Potassium chloride 20 mEq/100 mL IV over 2 hours, every 2 hours for 2 doses (central line).",
      product="kcl-20meq-100", dose=(20, "meq"), rate=(50, "mL/h"),
      timing=every(2, at(0, "09:55"), count=2, text="every 2 hours, 2 doses"))
order("mr-4w-04-kcl-error", 4, "entered-in-error", at(0, "09:48"),
      "Potassium chloride 20 mEq IV (entered on the wrong patient).",
      drug="kcl", dose=(20, "meq"), rate=(50, "mL/h"),
      timing=every(2, at(0, "09:55"), count=2), version="2", last_updated=at(0, "09:49"))

# Bed 5 — Priya
order("mr-4w-05-infliximab", 5, "active", at(-1, "16:00"),
      "Infliximab 5 mg/kg IV over 2 hours every 8 weeks (dose today).",
      drug="infliximab", dose=(5, "mg/kg"), rate=(125, "mL/h"),
      timing=every(8, at(0, "10:00"), period_unit="wk", text="every 8 weeks"))
order("mr-4w-05-iron-sucrose", 5, "active", at(-1, "16:05"),
      "Iron sucrose 200 mg in 100 mL NaCl IV over 30 minutes every 48 hours, 5 doses, starting tomorrow.",
      drug="iron-sucrose", dose=(200, "mg"), rate=(200, "mL/h"),
      timing=every(2, at(1, "10:00"), count=5, period_unit="d", text="every 48 hours, 5 doses"))
order("mr-4w-05-acetaminophen-unmapped", 5, "active", at(0, "09:30"),
      "Acetaminophen 1,000 mg IV once before infliximab (formulary item 4W-FORM-73310).",
      drug=(LOCAL_FORMULARY, "4W-FORM-73310", "ACETAMINOPHEN 1000MG/100ML IVPB"),
      dose=(1000, "mg"), timing=once(at(0, "09:30")))

# Bed 6 — Kwame
order("mr-4w-06-ketamine", 6, "active", at(0, "08:00"),
      "Ketamine 0.1 mg/kg/h continuous IV (opioid-sparing analgesia).",
      drug="ketamine", rate=(0.1, "mg/kg/h"), timing=continuous(at(0, "08:00")))
order("mr-4w-06-lactated-ringers", 6, "active", at(-1, "21:30"),
      "Lactated Ringer's 1000 mL IV at 100 mL/h.",
      product="lr-1000", dose=(1000, "mL"), rate=(100, "mL/h"), timing=continuous(at(-1, "22:00")))
order("mr-4w-06-cefazolin", 6, "active", at(-1, "12:30"),
      "Cefazolin 2 g IV every 8 hours for 24 hours after surgery (3 doses).",
      drug="cefazolin", dose=(2, "g"), rate=(200, "mL/h"),
      timing=every(8, at(-1, "15:00"), end=at(0, "07:30"), text="every 8 hours for 24 hours"))
order("mr-4w-06-hydromorphone-prn", 6, "active", at(-1, "12:30"),
      "Hydromorphone 0.5 mg IV every 3 hours as needed for severe pain (max 6 doses/24 h).",
      drug="hydromorphone", dose=(0.5, "mg"), prn=True,
      timing=every(3, at(-1, "12:30"), text="every 3 hours as needed"),
      max_per_period={"numerator": {"value": 6}, "denominator": q(1, "d")})

# Bed 7 — Ingrid
order("mr-4w-07-heparin", 7, "active", at(0, "09:15"),
      "Heparin 25,000 units/500 mL (50 units/mL): 12 units/kg/h continuous IV, no bolus.",
      product="heparin-25000-500", rate=(12, "[iU]/kg/h"), timing=continuous(at(0, "09:15")))
order("mr-4w-07-kcl-nacl", 7, "on-hold", at(-1, "16:00"),
      "Potassium chloride 20 mEq in 0.9% NaCl 1000 mL IV at 75 mL/h. ON HOLD: potassium 5.4 mmol/L.",
      product="kcl-20meq-nacl-1000", dose=(1000, "mL"), rate=(75, "mL/h"),
      timing=continuous(at(-1, "16:30")), version="2", last_updated=at(0, "06:20"))

# Bed 8 — Dmitri
order("mr-4w-08-piperacillin-tazobactam", 8, "active", at(-1, "11:00"),
      "Piperacillin-tazobactam 3.375 g IV every 6 hours over 30 minutes.",
      product="piperacillin-tazobactam-3.375g-50", dose=(3.375, "g"), rate=(100, "mL/h"),
      timing=every(6, at(-1, "12:00"), text="every 6 hours"))
order("mr-4w-08-hydromorphone-pca", 8, "active", at(0, "09:30"),
      "Hydromorphone PCA 0.2 mg/mL: basal 0.2 mg/h continuous IV (demand dosing on the pump).",
      product="hydromorphone-10mg-50", rate=(0.2, "mg/h"), timing=continuous(at(0, "09:30")))
order("mr-4w-08-lidocaine", 8, "active", at(0, "09:30"),
      "Lidocaine 2 g/500 mL (4 mg/mL): 60 mg/h continuous IV for analgesia.",
      drug="lidocaine", rate=(60, "mg/h"), timing=continuous(at(0, "09:30")))

# Bed 9 — Fatima Zahra
order("mr-4w-09-ivig", 9, "active", at(-2, "15:00"),
      "Immune globulin IV 0.4 g/kg daily for 5 days (rate per titration protocol).",
      drug="ivig", dose=(0.4, "g/kg"),
      timing=every(1, at(-1, "09:00"), count=5, period_unit="d", text="daily for 5 days"))
order("mr-4w-09-magnesium-incomplete", 9, "active", at(0, "08:20"),
      "Magnesium sulfate IV per electrolyte protocol.",
      drug="mgso4")

# Bed 10 — Hiroshi
order("mr-4w-10-heparin", 10, "active", at(-1, "10:40"),
      "Heparin 25,000 units/250 mL (100 units/mL): 18 units/kg/h continuous IV.",
      product="heparin-25000-250", rate=(18, "U/kg/h"), timing=continuous(at(-1, "11:00")))
order("mr-4w-10-meropenem", 10, "active", at(-1, "08:00"),
      "Meropenem 1 g IV every 8 hours over 30 minutes.",
      drug="meropenem", dose=(1, "g"), rate=(100, "mL/h"),
      timing=every(8, at(-1, "08:30"), text="every 8 hours"))

# Bed 11 — Lucía
PN_INGREDIENTS = [("amino-acids", 85, "g", 1800, "mL"), ("glucose", 250, "g", 1800, "mL"),
                  ("soybean-oil", 50, "g", 1800, "mL"), ("nacl", 80, "meq", 1800, "mL"),
                  ("kcl", 60, "meq", 1800, "mL")]
PN_TEXT = "Parenteral nutrition 3-in-1, 1800 mL: amino acids 85 g, dextrose 250 g, lipid 50 g, NaCl 80 mEq, KCl 60 mEq"
order("mr-4w-11-parenteral-nutrition", 11, "active", at(-5, "11:00"),
      "Parenteral nutrition (3-in-1) 1800 mL IV at 75 mL/h over 24 hours; new bag daily at 18:00.",
      contained=compounded_medication("pn", PN_TEXT, 1800, PN_INGREDIENTS),
      dose=(1800, "mL"), rate=(75, "mL/h"), timing=continuous(at(-5, "18:00")))
order("mr-4w-11-ondansetron-prn", 11, "active", at(-3, "10:00"),
      "Ondansetron 4 mg IV every 8 hours as needed for nausea.",
      drug="ondansetron", dose=(4, "mg"), prn=True, timing=every(8, at(-3, "10:00"), text="every 8 hours as needed"))
order("mr-4w-11-vancomycin-loading", 11, "active", at(0, "09:52"),
      "Vancomycin 1.25 g IV once over 2 hours: LOADING DOSE (maintenance to follow the level).",
      drug="vancomycin", dose=(1.25, "g"), rate=(125, "mL/h"), timing=once(at(0, "09:52")))

# Bed 12 — Jonah
order("mr-4w-12-magnesium-stat", 12, "active", at(0, "09:55"),
      "Magnesium sulfate 2 g IV over 1 hour STAT (magnesium 1.1 mg/dL).",
      drug="mgso4", dose=(2, "g"), rate=(50, "mL/h"), timing=once(at(0, "09:55")), priority="stat")
BANANA_INGREDIENTS = [("thiamine", 100, "mg", 1000, "mL"), ("folic-acid", 1, "mg", 1000, "mL"),
                      ("mgso4", 2, "g", 1000, "mL"), ("nacl", 9, "g", 1000, "mL")]
BANANA_TEXT = "Thiamine 100 mg, folic acid 1 mg, magnesium sulfate 2 g in 0.9% NaCl 1000 mL"
order("mr-4w-12-vitamin-infusion", 12, "active", at(-2, "09:00"),
      "Thiamine 100 mg + folic acid 1 mg + magnesium sulfate 2 g in 0.9% NaCl 1000 mL IV at 125 mL/h, daily.",
      contained=compounded_medication("vitamins", BANANA_TEXT, 1000, BANANA_INGREDIENTS),
      dose=(1000, "mL"), rate=(125, "mL/h"), timing=every(1, at(-2, "11:00"), period_unit="d", text="daily"))
order("mr-4w-12-hydromorphone-prn", 12, "active", at(-2, "20:00"),
      "Hydromorphone 0.5 mg IV every 2 hours as needed for severe pain (max 2 mg/24 h).",
      drug="hydromorphone", dose=(0.5, "mg"), prn=True, timing=every(2, at(-2, "20:00"), text="every 2 hours as needed"),
      max_per_period=ratio(2, "mg", 24, "h"))
order("mr-4w-12-ceftriaxone-im", 12, "active", at(-1, "09:40"),
      "Ceftriaxone 1 g IM daily.",
      drug="ceftriaxone", route="im", dose=(1, "g"), timing=every(1, at(-1, "10:00"), period_unit="d", text="daily"))


# --------------------------------------------------------------------------
# Pharmacy bag labels (MedicationDispense)

DISPENSES = []
DISPENSE = {}


def dispense(label, bed, order_id, text, volume, ingredients, prepared, bud, rate_text, dose_text):
    p = PAT[bed]
    did = "md-" + label.lower()
    med = compounded_medication("bag", text, volume, ingredients, lot=label, bud=bud)
    r = {
        "resourceType": "MedicationDispense",
        "id": did,
        "meta": {"versionId": "1", "lastUpdated": prepared},
        "identifier": [{"system": PHARMACY_LABEL, "value": label}],
        "contained": [med],
        "status": "completed",
        "medicationReference": {"reference": "#bag", "display": text},
        "subject": ref("Patient", p["id"], patient_name(p)),
        "context": ref("Encounter", p["enc"]),
        "authorizingPrescription": [ref("MedicationRequest", order_id)],
        "quantity": q(volume, "mL"),
        "whenPrepared": prepared,
        "whenHandedOver": prepared,
        "dosageInstruction": [{"text": ORDER[order_id]["text"]}],
    }
    DISPENSES.append(r)
    DISPENSE[label] = {"resource": r, "bed": bed, "order": order_id, "text": text, "volume": volume,
                       "prepared": prepared, "bud": bud, "rate_text": rate_text, "dose_text": dose_text}
    return r


dispense("RX-4W-000105", 5, "mr-4w-05-infliximab", "Infliximab 320 mg in 0.9% NaCl 250 mL", 250,
         [("infliximab", 320, "mg", 250, "mL")], at(0, "09:40"), at(0, "12:40"),
         "125 mL/h over 2 h", "320 mg (5 mg/kg × 64 kg)")
dispense("RX-4W-000098", 11, "mr-4w-11-parenteral-nutrition", PN_TEXT, 1800, PN_INGREDIENTS,
         at(-1, "13:00"), at(1, "13:00"), "75 mL/h over 24 h", "1800 mL")
dispense("RX-4W-000111", 11, "mr-4w-11-parenteral-nutrition", PN_TEXT, 1800, PN_INGREDIENTS,
         at(0, "08:00"), at(2, "08:00"), "75 mL/h over 24 h", "1800 mL")
dispense("RX-4W-000107", 12, "mr-4w-12-vitamin-infusion", BANANA_TEXT, 1000, BANANA_INGREDIENTS,
         at(-2, "08:00"), at(-1, "08:00"), "125 mL/h over 8 h", "1000 mL")
dispense("RX-4W-000115", 12, "mr-4w-12-vitamin-infusion", BANANA_TEXT, 1000, BANANA_INGREDIENTS,
         at(-1, "08:30"), at(1, "08:30"), "125 mL/h over 8 h", "1000 mL")
dispense("RX-4W-000121", 12, "mr-4w-12-vitamin-infusion", BANANA_TEXT, 1000, BANANA_INGREDIENTS,
         at(0, "08:30"), at(2, "08:30"), "125 mL/h over 8 h", "1000 mL")
UNKNOWN_LABEL = "RX-4W-999999"


# --------------------------------------------------------------------------
# Doses and bags charted by other terminals (MedicationAdministration)

ADMINS = []
ADMIN = {}
OTHER_TERMINAL = "urn:bedside-mar:terminal:4W-CART-2"


def admin(aid, order_id, status, start, end=None, *, nurse, witness=None, gtin_bag=None,
          label=None, dose=None, rate=None, text=None, source=OTHER_TERMINAL):
    """gtin_bag: (product key, lot, serial, expiry date) of a scanned GS1 bag;
    label: a pharmacy label id (the dispense's contained Medication is copied)."""
    o = ORDER[order_id]
    p = PAT[o["bed"]]
    r = {
        "resourceType": "MedicationAdministration",
        "id": aid,
        "meta": {"versionId": "1", "lastUpdated": end or start, "source": source},
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": ma_uuid(aid)}],
        "status": status,
        "subject": ref("Patient", p["id"], patient_name(p)),
        "context": ref("Encounter", p["enc"]),
        "request": ref("MedicationRequest", order_id),
        "performer": [{"function": cc(PERFORM_FUNCTION, "performer", "Performer"),
                       "actor": ref("Practitioner", prac_id(nurse), staff_name(nurse))}],
    }
    bag_id = None
    if gtin_bag:
        key, lot, serial, expiry = gtin_bag
        pr = PROD[key]
        med = medication_resource(pr)
        del med["meta"], med["status"]
        med["id"] = "bag"
        med["batch"] = {"lotNumber": lot, "expirationDate": expiry}
        r["contained"] = [med]
        r["medicationReference"] = {"reference": "#bag", "display": pr["name"]}
        bag_id = f"01{pr['gtin']}21{serial}"
    elif label:
        d = DISPENSE[label]
        med = json.loads(json.dumps(d["resource"]["contained"][0]))
        r["contained"] = [med]
        r["medicationReference"] = {"reference": "#bag", "display": d["text"]}
        r["supportingInformation"] = [ref("MedicationDispense", d["resource"]["id"])]
        bag_id = label
    else:
        # A push from a syringe without a serial: the order's drug.
        res = o["resource"]
        if "medicationCodeableConcept" in res:
            r["medicationCodeableConcept"] = res["medicationCodeableConcept"]
        else:
            r["medicationReference"] = res["medicationReference"]
    if bag_id:
        r["identifier"].append({"system": BAG_ID, "value": bag_id})
    if witness:
        r["performer"].append({"function": cc(PERFORM_FUNCTION, "verifier", "Verifier"),
                               "actor": ref("Practitioner", prac_id(witness), staff_name(witness))})
    if end:
        r["effectivePeriod"] = {"start": start, "end": end}
    elif status == "in-progress":
        r["effectivePeriod"] = {"start": start}
    else:
        r["effectiveDateTime"] = start
    dosage = {"route": cc(*ROUTES["iv"])}
    if text:
        dosage["text"] = text
    if dose:
        dosage["dose"] = q(*dose)
    if rate:
        dosage["rateQuantity"] = q(*rate)
    r["dosage"] = dosage
    ADMINS.append(r)
    ADMIN[aid] = {"resource": r, "bed": o["bed"], "order": order_id, "bag_id": bag_id, "status": status,
                  "gtin_bag": gtin_bag, "label": label, "start": start, "end": end}
    return r


EXP = (ANCHOR.date() + dt.timedelta(days=200)).isoformat()   # expiry of bags already hung

# Bed 2: vancomycin 1.25 g q12h; the 09:30 dose is infusing (DOSE_ALREADY_GIVEN).
admin("ma-4w-02-vanc-1", "mr-4w-02-vancomycin", "completed", at(-1, "21:33"), at(-1, "23:36"), nurse="N1003",
      gtin_bag=("vancomycin-1.25g-250", "VB5811", "V125-0416", EXP), dose=(250, "mL"), rate=(125, "mL/h"))
admin("ma-4w-02-vanc-2", "mr-4w-02-vancomycin", "in-progress", at(0, "09:34"), nurse="N1002",
      gtin_bag=("vancomycin-1.25g-250", "VB5811", "V125-0417", EXP), rate=(125, "mL/h"))
# Bed 3: vancomycin q12h and ceftriaxone daily at 09:00 (already given today).
admin("ma-4w-03-vanc-1", "mr-4w-03-vancomycin", "completed", at(-1, "10:05"), at(-1, "12:06"), nurse="N1001",
      gtin_bag=("vancomycin-1g-250", "VA2207", "V100-1180", EXP), dose=(250, "mL"), rate=(125, "mL/h"))
admin("ma-4w-03-vanc-2", "mr-4w-03-vancomycin", "completed", at(-1, "22:04"), at(0, "00:05"), nurse="N1004",
      gtin_bag=("vancomycin-1g-250", "VA2207", "V100-1181", EXP), dose=(250, "mL"), rate=(125, "mL/h"))
admin("ma-4w-03-ceftriaxone-1", "mr-4w-03-ceftriaxone", "completed", at(-1, "09:02"), at(-1, "09:33"),
      nurse="N1001", gtin_bag=("ceftriaxone-1g-50", "CX0934", "CX-30021", EXP), dose=(50, "mL"), rate=(100, "mL/h"))
admin("ma-4w-03-ceftriaxone-2", "mr-4w-03-ceftriaxone", "completed", at(0, "09:05"), at(0, "09:36"),
      nurse="N1002", gtin_bag=("ceftriaxone-1g-50", "CX0934", "CX-30022", EXP), dose=(50, "mL"), rate=(100, "mL/h"))
# Bed 6: cefazolin x3 (course over), LR bag finished at 08:00, PRN hydromorphone at 02:10 and 08:30.
for n, (s, e) in enumerate([(at(-1, "15:02"), at(-1, "15:33")), (at(-1, "23:05"), at(-1, "23:36")),
                            (at(0, "07:04"), at(0, "07:35"))], 1):
    admin(f"ma-4w-06-cefazolin-{n}", "mr-4w-06-cefazolin", "completed", s, e, nurse="N1005" if n != 2 else "N1004",
          gtin_bag=("cefazolin-2g-100", "CZ4410", f"CZ-7720{n}", EXP), dose=(100, "mL"), rate=(200, "mL/h"))
admin("ma-4w-06-lr-1", "mr-4w-06-lactated-ringers", "completed", at(-1, "22:00"), at(0, "08:00"), nurse="N1004",
      gtin_bag=("lr-1000", "LR9031", "LR-55012", EXP), dose=(1000, "mL"), rate=(100, "mL/h"))
admin("ma-4w-06-hydromorphone-1", "mr-4w-06-hydromorphone-prn", "completed", at(0, "02:10"), nurse="N1004",
      dose=(0.5, "mg"), text="PRN: pain 8/10")
admin("ma-4w-06-hydromorphone-2", "mr-4w-06-hydromorphone-prn", "completed", at(0, "08:30"), nurse="N1005",
      dose=(0.5, "mg"), text="PRN: pain 7/10 with repositioning")
# Bed 8: piperacillin-tazobactam at 00:00 and 06:00 (next due 12:00).
admin("ma-4w-08-piptazo-1", "mr-4w-08-piperacillin-tazobactam", "completed", at(0, "00:04"), at(0, "00:35"),
      nurse="N1004", gtin_bag=("piperacillin-tazobactam-3.375g-50", "PT7730", "PT-11820", EXP),
      dose=(50, "mL"), rate=(100, "mL/h"))
admin("ma-4w-08-piptazo-2", "mr-4w-08-piperacillin-tazobactam", "completed", at(0, "06:03"), at(0, "06:34"),
      nurse="N1004", gtin_bag=("piperacillin-tazobactam-3.375g-50", "PT7730", "PT-11821", EXP),
      dose=(50, "mL"), rate=(100, "mL/h"))
# Bed 9: IVIG 30 g/day = 3 bottles of 10 g. Yesterday complete; today bottle 1 of 3 given.
for n, (s, e) in enumerate([(at(-1, "09:03"), at(-1, "09:55")), (at(-1, "10:00"), at(-1, "10:50")),
                            (at(-1, "10:55"), at(-1, "11:45"))], 1):
    admin(f"ma-4w-09-ivig-d1-{n}", "mr-4w-09-ivig", "completed", s, e, nurse="N1006",
          gtin_bag=("ivig-10g-100", "IG24K07", f"IG10-550{n}", EXP), dose=(100, "mL"), rate=(120, "mL/h"),
          text=f"Bottle {n} of 3 (10 g of 30 g)")
admin("ma-4w-09-ivig-d2-1", "mr-4w-09-ivig", "completed", at(0, "09:02"), at(0, "09:50"), nurse="N1006",
      gtin_bag=("ivig-10g-100", "IG24K07", "IG10-5504", EXP), dose=(100, "mL"), rate=(125, "mL/h"),
      text="Bottle 1 of 3 (10 g of 30 g)")
# Bed 10: heparin bag 1 finished at 06:30; bag 2 infusing since. Meropenem 08:30 not given.
admin("ma-4w-10-heparin-1", "mr-4w-10-heparin", "completed", at(-1, "11:00"), at(0, "06:30"), nurse="N1003",
      witness="C2001", gtin_bag=("heparin-25000-250", "HP1102", "HEP-20931", EXP), dose=(245.7, "mL"),
      rate=(12.6, "mL/h"))
admin("ma-4w-10-heparin-2", "mr-4w-10-heparin", "in-progress", at(0, "06:30"), nurse="N1004", witness="N1003",
      gtin_bag=("heparin-25000-250", "HP1102", "HEP-20932", EXP), rate=(12.6, "mL/h"))
for n, (s, e) in enumerate([(at(-1, "08:34"), at(-1, "09:05")), (at(-1, "16:32"), at(-1, "17:03")),
                            (at(0, "00:41"), at(0, "01:12"))], 1):
    admin(f"ma-4w-10-meropenem-{n}", "mr-4w-10-meropenem", "completed", s, e, nurse="N1003" if n < 3 else "N1004",
          gtin_bag=("meropenem-1g-50", "MP3318", f"MP-4410{n}", EXP), dose=(50, "mL"), rate=(100, "mL/h"))
# Bed 11: yesterday's parenteral nutrition bag infusing until 18:00.
admin("ma-4w-11-pn-1", "mr-4w-11-parenteral-nutrition", "in-progress", at(-1, "18:00"), nurse="N1001",
      label="RX-4W-000098", rate=(75, "mL/h"))
# Bed 12: four PRN doses in the last 24 h (2 mg: the maximum); yesterday's vitamin bag.
for n, t in enumerate(["00:45", "03:15", "05:40", "07:50"], 1):
    admin(f"ma-4w-12-hydromorphone-{n}", "mr-4w-12-hydromorphone-prn", "completed", at(0, t),
          nurse="N1004", dose=(0.5, "mg"), text="PRN: cellulitis pain")
admin("ma-4w-12-vitamins-1", "mr-4w-12-vitamin-infusion", "completed", at(-1, "11:00"), at(-1, "19:00"),
      nurse="N1002", witness="N1001", label="RX-4W-000115", dose=(1000, "mL"), rate=(125, "mL/h"))


# --------------------------------------------------------------------------
# Scenarios: what to scan at demo "now" and what the verifier must say

SCENARIOS = []
FRESH_EXPIRY = "301231"


def bag(key, serial, expiry=FRESH_EXPIRY, lot=None):
    pr = PROD[key]
    return gs1_bracketed(pr["gtin"], expiry, lot or LOTS.get(key, "DEMO1"), serial)


LOTS = {
    "nacl-0.9-1000": "NS6021", "lr-1000": "LR9031", "d5w-1000": "DX1187", "nacl-0.9-100-ca": "W5K012",
    "vancomycin-1g-250": "VA2207", "vancomycin-1.25g-250": "VB5811", "cefazolin-2g-100": "CZ4410",
    "ceftriaxone-1g-50": "CX0934", "piperacillin-tazobactam-3.375g-50": "PT7730", "meropenem-1g-50": "MP3318",
    "heparin-25000-250": "HP1102", "heparin-25000-500": "HP2207", "insulin-regular-100-100": "IN0415",
    "kcl-20meq-100": "KC2231", "kcl-20meq-nacl-1000": "KN1190", "mgso4-2g-50": "MG7712",
    "ivig-10g-100": "IG24K07", "ivig-5g-50": "IG24K09", "iron-sucrose-200-100": "FE3345",
    "ketamine-250-250": "KT0581", "lidocaine-2g-500": "LD6603", "hydromorphone-10mg-50": "HM2291",
    "hydromorphone-0.5mg-0.5": "HM0514", "ondansetron-4mg-tab": "ON4410", "nacl-0.9-irrigation-1000": "G219870",
}


# AIs whose length is predefined (GS1 General Specifications 7.8.5; the "*"
# flag of data/gs1/gs1-syntax-dictionary.txt): no FNC1 separator after them.
PREDEFINED_LENGTH_AIS = {"01", "17"}


def gs1_raw(bracketed):
    """What a scanner sends for a GS1 DataMatrix: the AIM symbology identifier
    ]d2, then the element string with GS (0x1D) after each AI that is not of
    predefined length, except the last."""
    if not bracketed.startswith("("):
        return None
    parts = re.findall(r"\((\d+)\)([^(]*)", bracketed)
    out = "]d2"
    for n, (ai, value) in enumerate(parts):
        out += ai + value
        if ai not in PREDEFINED_LENGTH_AIS and n < len(parts) - 1:
            out += "\x1d"
    return out


def mrn(bed):
    return PAT[bed]["mrn"]


def gsrn_scan(bed):
    return f"(8018){PAT[bed]['gsrn']}"


def scen(sid, title, patient, product, verdict, codes, *, order=None, requires=None, kind="verify",
         anchor_only=False, note=None, bed=None, running=None):
    SCENARIOS.append({
        "id": sid, "title": title, "bed": bed, "patient_scan": patient, "product_scan": product,
        "patient_scan_raw": gs1_raw(patient), "product_scan_raw": gs1_raw(product),
        "kind": kind, "verdict": verdict, "codes": codes, "order": order,
        "requires": requires or [], "anchor_only": anchor_only, "running_administration": running,
        "note": note,
    })


def bad_check_digit(gtin):
    return gtin[:-1] + str((int(gtin[-1]) + 1) % 10)


NS = PROD["nacl-0.9-1000"]["gtin"]

# --- Scans and identity
scen("S01", "Plain wristband + bag for an order coded as an RxNorm clinical drug (SCD 313002)", mrn(1),
     bag("nacl-0.9-1000", "S01"), "pass", [], order="mr-4w-01-nacl", bed=1,
     note="The order names SCD 313002 via a contained Medication whose ingredient is sodium chloride.")
scen("S02", "GS1 GSRN wristband (8018) + high-alert heparin bag", gsrn_scan(1),
     bag("heparin-25000-250", "S02"), "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-01-heparin",
     requires=["witness"], bed=1)
scen("S03", "GTIN with a wrong check digit", mrn(1),
     gs1_bracketed(bad_check_digit(NS), FRESH_EXPIRY, "NS6021", "S03"), "block", [("BARCODE_INVALID", "block")], bed=1)
scen("S04", "Impossible expiry date (month 13)", mrn(1),
     gs1_bracketed(NS, "251332", "NS6021", "S04"), "block", [("BARCODE_INVALID", "block")], bed=1)
scen("S05", "Wristband GSRN with a wrong check digit", "(8018)" + bad_check_digit(PAT[1]["gsrn"]),
     bag("nacl-0.9-1000", "S05"), "block", [("BARCODE_INVALID", "block")], bed=1)
scen("S06", "Another patient's wristband scanned as the product", mrn(1), mrn(2),
     "block", [("WRONG_BARCODE_KIND", "block")], bed=1)
scen("S07", "A staff badge scanned as the product", mrn(1), "N1001",
     "block", [("WRONG_BARCODE_KIND", "block")], bed=1)
scen("S08", "A product scanned as the wristband", bag("nacl-0.9-1000", "S08a"), bag("nacl-0.9-1000", "S08"),
     "block", [("WRONG_BARCODE_KIND", "block")])
scen("S09", "Wristband MRN that matches nobody", UNKNOWN_MRN, bag("nacl-0.9-1000", "S09"),
     "block", [("PATIENT_UNKNOWN", "block")])
scen("S10", "Old wristband of an inactive (merged) duplicate record", DUPLICATE["mrn"],
     bag("vancomycin-1.25g-250", "S10"), "block", [("PATIENT_UNKNOWN", "block")],
     note="Patient pt-4w-02-duplicate is active=false (replaced-by bed 4W-02's record).")
scen("S11", "Pharmacy bag label of bed 4W-12 scanned for bed 4W-11", mrn(11), "RX-4W-000121",
     "block", [("PATIENT_MISMATCH", "block")], bed=11)
scen("S12", "Real GTIN that is not in the catalog (Baxter Canada NaCl 50 mL)", mrn(1),
     gs1_bracketed(UNKNOWN_REAL_GTIN, FRESH_EXPIRY, "W5K011", "S12"), "block", [("PRODUCT_UNKNOWN", "block")], bed=1)
scen("S13", "Pharmacy label that no dispense carries", mrn(1), UNKNOWN_LABEL,
     "block", [("PRODUCT_UNKNOWN", "block")], bed=1)
scen("S14", "Expired bag: (17) date in the past", mrn(1), bag("nacl-0.9-1000", "S14", expiry="250630"),
     "block", [("PRODUCT_EXPIRED", "block")], order="mr-4w-01-nacl", bed=1)
scen("S15", "Expired bag: (17) with DD=00 means the end of that month (2025-12-31)", mrn(1),
     bag("nacl-0.9-1000", "S15", expiry="251200"), "block", [("PRODUCT_EXPIRED", "block")],
     order="mr-4w-01-nacl", bed=1)
scen("S16", "Expired bag: (7003) expiry date-time one minute before the anchor", mrn(1),
     f"(01){NS}(7003)2601150959(10)NS6021(21)S16", "block", [("PRODUCT_EXPIRED", "block")],
     order="mr-4w-01-nacl", bed=1, note="Wall-clock expiry: also expired at any later demo time.")
scen("S17", "Pharmacy bag past its beyond-use date (never hung)", mrn(12), "RX-4W-000107",
     "block", [("PRODUCT_EXPIRED", "block"), ("WITNESS_REQUIRED", "info")], order="mr-4w-12-vitamin-infusion",
     bed=12, note="Beyond-use date was yesterday 08:00; the bag contains magnesium sulfate (high-alert).")

# --- Orders
scen("S18", "Product the patient has no order for (D5W)", mrn(1), bag("d5w-1000", "S18"),
     "block", [("NO_ACTIVE_ORDER", "block")], bed=1)
scen("S19", "Only a draft order for this drug: drafts are ignored", mrn(3), bag("meropenem-1g-50", "S19"),
     "block", [("NO_ACTIVE_ORDER", "block")], bed=3)
scen("S20", "Patient has an order whose code maps to nothing: never a silent pass", mrn(5),
     bag("nacl-0.9-100-ca", "S20"), "block", [("ORDER_UNMAPPED", "block")], bed=5,
     note="No mappable order matches 0.9% NaCl; the local-formulary order mr-4w-05-acetaminophen-unmapped "
          "(4W-FORM-73310) cannot be ruled out, so ORDER_UNMAPPED instead of NO_ACTIVE_ORDER. "
          "Real GTIN not derived from an NDC.")
scen("S21", "Order on hold", mrn(7), bag("kcl-20meq-nacl-1000", "S21"),
     "block", [("ORDER_ON_HOLD", "block"), ("ALLERGY_UNVERIFIED", "warn")], order="mr-4w-07-kcl-nacl", bed=7)
scen("S22", "Order stopped (discontinued)", mrn(2), bag("cefazolin-2g-100", "S22"),
     "block", [("ORDER_DISCONTINUED", "block")], order="mr-4w-02-cefazolin", bed=2)
scen("S23", "Order still 'active' but its boundsPeriod.end has passed", mrn(6), bag("cefazolin-2g-100", "S23"),
     "block", [("ORDER_EXPIRED", "block"), ("ALLERGIES_NOT_ASSESSED", "info")], order="mr-4w-06-cefazolin", bed=6)
scen("S24", "Order that starts tomorrow", mrn(5), bag("iron-sucrose-200-100", "S24"),
     "block", [("ORDER_NOT_STARTED", "block")], order="mr-4w-05-iron-sucrose", bed=5)
scen("S25", "IV order with neither dose nor rate", mrn(9), bag("mgso4-2g-50", "S25"),
     "block", [("ORDER_INCOMPLETE", "block"), ("WITNESS_REQUIRED", "info")],
     order="mr-4w-09-magnesium-incomplete", bed=9)
scen("S26", "Concentrated potassium (0.2 mEq/mL) for its order; an entered-in-error duplicate is ignored",
     mrn(4), bag("kcl-20meq-100", "S26"), "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-04-kcl",
     requires=["witness"], bed=4)

# --- Dose and route
scen("S27", "Heparin 50 units/mL bag for an order written for 100 units/mL", mrn(1), bag("heparin-25000-500", "S27"),
     "block", [("DOSE_MISMATCH", "block"), ("WITNESS_REQUIRED", "info")], order="mr-4w-01-heparin", bed=1)
scen("S28", "Vancomycin 1.25 g bag for a 1 g order (more drug than ordered) + low-criticality allergy",
     mrn(3), bag("vancomycin-1.25g-250", "S28"), "block", [("DOSE_MISMATCH", "block"), ("ALLERGY", "warn")],
     order="mr-4w-03-vancomycin", bed=3)
scen("S29", "IVIG: second 10 g bottle of a 30 g dose (0.4 g/kg × 75 kg; bottle 1 given at 09:02)", mrn(9),
     bag("ivig-10g-100", "S29"), "warn", [("DOSE_PARTIAL", "warn")], order="mr-4w-09-ivig", requires=["reason"],
     bed=9, note="20 g of 30 g after this bottle; 10 g remain. Uses the latest weight (75.0 kg today, not 76.4 kg).")
scen("S30", "IVIG: a 5 g bottle towards the same dose", gsrn_scan(9), bag("ivig-5g-50", "S30"),
     "warn", [("DOSE_PARTIAL", "warn")], order="mr-4w-09-ivig", requires=["reason"], bed=9,
     note="15 g of 30 g after this bottle; 15 g remain.")
scen("S31", "0.9% NaCl IRRIGATION bottle (real NDC 0338-0048-04) for an IV NaCl order", mrn(1),
     gs1_bracketed(PROD["nacl-0.9-irrigation-1000"]["gtin"], FRESH_EXPIRY, "G219870", "S31"),
     "block", [("ROUTE_MISMATCH", "block")], order="mr-4w-01-nacl", bed=1,
     note="Form v3-orderableDrugForm IRSOL: not a form that can go IV.")
scen("S32", "Ondansetron tablet for an IV ondansetron order", mrn(11), bag("ondansetron-4mg-tab", "S32"),
     "block", [("ROUTE_MISMATCH", "block")], order="mr-4w-11-ondansetron-prn", bed=11)
scen("S33", "IV ceftriaxone bag for an intramuscular order", mrn(12), bag("ceftriaxone-1g-50", "S33"),
     "block", [("ROUTE_MISMATCH", "block")], order="mr-4w-12-ceftriaxone-im", bed=12)
scen("S34", "Weight-based ketamine (mg/kg/h) and no weight at all", mrn(6), bag("ketamine-250-250", "S34"),
     "block", [("WEIGHT_MISSING", "block"), ("ALLERGIES_NOT_ASSESSED", "info")], order="mr-4w-06-ketamine", bed=6)
scen("S35", "Weight-based heparin and the latest weight is 40 days old", gsrn_scan(7), bag("heparin-25000-500", "S35"),
     "block", [("WEIGHT_MISSING", "block"), ("ALLERGY_UNVERIFIED", "warn"), ("WITNESS_REQUIRED", "info")],
     order="mr-4w-07-heparin", bed=7)
scen("S36", "Piperacillin-tazobactam and a high-criticality penicillin-class allergy", mrn(2),
     bag("piperacillin-tazobactam-3.375g-50", "S36"), "block", [("ALLERGY", "block")],
     order="mr-4w-02-piperacillin-tazobactam", bed=2,
     note="Dose 3.375 g = piperacillin 3 g + tazobactam 0.375 g: no dose finding.")

# --- Time
scen("S37", "Due at 12:00, scanned at 10:00 (q6h window ±60 min); refuted penicillin allergy ignored", mrn(8),
     bag("piperacillin-tazobactam-3.375g-50", "S37"), "warn", [("TIME_EARLY", "warn")],
     order="mr-4w-08-piperacillin-tazobactam", requires=["reason"], bed=8, note="120 minutes early.")
scen("S38", "Due at 08:30 and not given (q8h window ±60 min)", mrn(10), bag("meropenem-1g-50", "S38"),
     "warn", [("TIME_LATE", "warn")], order="mr-4w-10-meropenem", requires=["reason"], bed=10,
     note="90 minutes late.")
scen("S39", "The 09:30 dose is already charted (infusing since 09:34, other terminal)", mrn(2),
     bag("vancomycin-1.25g-250", "S39"), "block", [("DOSE_ALREADY_GIVEN", "block")], order="mr-4w-02-vancomycin",
     bed=2)
scen("S40", "Daily at 09:00 (timeOfDay), charted at 09:05", gsrn_scan(3), bag("ceftriaxone-1g-50", "S40"),
     "block", [("DOSE_ALREADY_GIVEN", "block")], order="mr-4w-03-ceftriaxone", bed=3, anchor_only=True,
     note="timeOfDay is wall-clock and is not shifted: exact only at the anchor time.")
scen("S41", "PRN dose 90 minutes after the last (minimum interval 3 h)", mrn(6), bag("hydromorphone-0.5mg-0.5", "S41"),
     "warn", [("PRN_TOO_SOON", "warn"), ("ALLERGIES_NOT_ASSESSED", "info")], order="mr-4w-06-hydromorphone-prn",
     requires=["reason", "prn-reason"], bed=6)
scen("S42", "PRN: 2 mg already given in 24 h, maximum 2 mg/24 h", mrn(12), bag("hydromorphone-0.5mg-0.5", "S42"),
     "block", [("PRN_MAX_EXCEEDED", "block")], order="mr-4w-12-hydromorphone-prn", bed=12,
     note="Last dose 07:50 (130 min ago; interval 2 h): not too soon.")
scen("S43", "New heparin bag while the current one is infusing", mrn(10), bag("heparin-25000-250", "S43"),
     "block", [("BAG_STILL_INFUSING", "block"), ("WITNESS_REQUIRED", "info")], order="mr-4w-10-heparin", bed=10)
scen("S44", "Today's parenteral nutrition bag while yesterday's is infusing", gsrn_scan(11), "RX-4W-000111",
     "block", [("BAG_STILL_INFUSING", "block")], order="mr-4w-11-parenteral-nutrition", bed=11)

# --- Patient safety
scen("S45", "Low-criticality allergy to an ordered ingredient (vancomycin)", mrn(3), bag("vancomycin-1g-250", "S45"),
     "warn", [("ALLERGY", "warn")], order="mr-4w-03-vancomycin", requires=["reason"], bed=3)
scen("S46", "Patient with no allergy information at all", mrn(6), bag("lr-1000", "S46"),
     "pass", [("ALLERGIES_NOT_ASSESSED", "info")], order="mr-4w-06-lactated-ringers", bed=6)
scen("S47", "Pharmacy bag already documented (hung and completed yesterday)", mrn(12), "RX-4W-000115",
     "block", [("BAG_ALREADY_USED", "block"), ("WITNESS_REQUIRED", "info")], order="mr-4w-12-vitamin-infusion",
     bed=12)
scen("S48", "Heparin bag (GTIN + serial) that was already used and completed", mrn(10),
     bag("heparin-25000-250", "HEP-20931"), "block",
     [("BAG_ALREADY_USED", "block"), ("BAG_STILL_INFUSING", "block"), ("WITNESS_REQUIRED", "info")],
     order="mr-4w-10-heparin", bed=10)
scen("S49", "STAT dose: due at authoredOn (09:55)", mrn(12), bag("mgso4-2g-50", "S49"),
     "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-12-magnesium-stat", requires=["witness"], bed=12)
scen("S50", "Today's vitamin/mineral bag (due 11:00, daily window ±120 min)", mrn(12), "RX-4W-000121",
     "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-12-vitamin-infusion", requires=["witness"], bed=12)
scen("S51", "Weight-based infliximab from a pharmacy label: 5 mg/kg × 64 kg = 320 mg", mrn(5), "RX-4W-000105",
     "pass", [], order="mr-4w-05-infliximab", bed=5)
scen("S52", "Loading dose: due at authoredOn (09:52)", gsrn_scan(11), bag("vancomycin-1.25g-250", "S52"),
     "pass", [], order="mr-4w-11-vancomycin-loading", bed=11)
scen("S53", "Opioid infusion (PCA syringe) needs a witness", mrn(8), bag("hydromorphone-10mg-50", "S53"),
     "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-08-hydromorphone-pca", requires=["witness"], bed=8)
scen("S54", "Lidocaine infusion ordered in mg/h", mrn(8), bag("lidocaine-2g-500", "S54"),
     "pass", [], order="mr-4w-08-lidocaine", bed=8)
scen("S55", "Insulin infusion ordered in units/h", gsrn_scan(4), bag("insulin-regular-100-100", "S55"),
     "pass", [("WITNESS_REQUIRED", "info")], order="mr-4w-04-insulin", requires=["witness"], bed=4)

# --- Re-scanning a bag that is running for this patient opens it (no verdict codes)
scen("S56", "Re-scan the vancomycin bag that is infusing", mrn(2), bag("vancomycin-1.25g-250", "V125-0417"),
     None, [], order="mr-4w-02-vancomycin", kind="open-infusion", running="ma-4w-02-vanc-2", bed=2)
scen("S57", "Re-scan the heparin bag that is infusing", mrn(10), bag("heparin-25000-250", "HEP-20932"),
     None, [], order="mr-4w-10-heparin", kind="open-infusion", running="ma-4w-10-heparin-2", bed=10)
scen("S58", "Re-scan the parenteral nutrition bag that is infusing", mrn(11), "RX-4W-000098",
     None, [], order="mr-4w-11-parenteral-nutrition", kind="open-infusion", running="ma-4w-11-pn-1", bed=11)


# Codes that the data alone cannot show; how to provoke each one.
CONDITIONS = [
    ("CACHE_STALE", "warn", "Verify S01 (a continuous order: no due time) more than 15 minutes after the import "
     "(`--at` = import time + 16 min): adds CACHE_STALE, verdict warn."),
    ("CLOCK_SKEW", "warn", "Needs a sync whose server Date differs from the terminal clock by more than 5 minutes."),
    ("PATIENT_DATA_INCOMPLETE", "block", "Needs a sync in which a patient arrives on 4 West and the full pull has "
     "not finished."),
    ("DATA_REJECTED", "block", "Needs a sync that quarantines one of the patient's resources (an import is "
     "all-or-nothing, so the demo bundle cannot show it)."),
    ("WITNESS_MISSING", "block", "Start the bag of S02, S26, S49, S50, S53 or S55 without a second nurse's "
     "badge + PIN (or with the performer as witness): the record refuses it."),
    ("RATE_MISMATCH", "warn", "Start S02 (heparin 18 units/kg/h × 72 kg at 100 units/mL = 12.96 mL/h) and enter "
     "20 mL/h."),
    ("RATE_ABOVE_SOFT_LIMIT / RATE_BELOW_SOFT_LIMIT / RATE_ABOVE_HARD_LIMIT", "warn/block",
     "Start S54 (lidocaine 60 mg/h = 15 mL/h at 4 mg/mL) or S55 (insulin 7 units/h = 7 mL/h) and enter a rate "
     "beyond the drug library's limits (e.g. 150 mL/h lidocaine = 600 mg/h; 70 mL/h insulin = 70 units/h)."),
    ("BARCODE_INVALID", "block", "Scan payloads only (S03, S04, S05): no data needed."),
    ("WRONG_BARCODE_KIND", "block", "Scan payloads only (S06, S07, S08)."),
]


# --------------------------------------------------------------------------
# Bundle assembly

def location_resources():
    out = [{
        "resourceType": "Location",
        "id": UNIT["id"],
        "meta": {"versionId": "1", "lastUpdated": at(-400, "08:00")},
        "status": "active",
        "name": UNIT["name"],
        "alias": ["4 West", "4W"],
        "mode": "instance",
        "physicalType": cc(LOCATION_TYPE, "wa", "Ward"),
    }]
    for b in BEDS:
        out.append({
            "resourceType": "Location",
            "id": b["id"],
            "meta": {"versionId": "1", "lastUpdated": at(-400, "08:00")},
            "status": "active",
            "name": b["name"],
            "mode": "instance",
            "physicalType": cc(LOCATION_TYPE, "bd", "Bed"),
            "partOf": ref("Location", UNIT["id"], UNIT["name"]),
        })
    return out


def staff_resources():
    out = []
    for badge, family, given, role, active in STAFF:
        pid = prac_id(badge)
        out.append({
            "resourceType": "Practitioner",
            "id": pid,
            "meta": {"versionId": "2" if not active else "1", "lastUpdated": at(-20 if not active else -200, "09:00")},
            "identifier": [{"system": BADGE, "value": badge}],
            "active": active,
            "name": [{"family": family, "given": [given]}],
        })
        if role == "nurse":
            code = cc(ROLE_HL7, "nurse", "Nurse")
        else:
            code = cc(ROLE_LOCAL, role, ROLE_TEXT[role])
        out.append({
            "resourceType": "PractitionerRole",
            "id": "role-" + badge.lower(),
            "meta": {"versionId": "2" if not active else "1", "lastUpdated": at(-20 if not active else -200, "09:00")},
            "active": active,
            "practitioner": ref("Practitioner", pid, f"{given} {family}"),
            "code": [code],
            "location": [ref("Location", UNIT["id"], UNIT["name"])],
        })
    return out


def build_bundle():
    resources = []
    resources += location_resources()
    resources += staff_resources()
    resources += [medication_resource(p) for p in PRODUCTS]
    for p in PATIENTS:
        resources.append(patient_resource(p))
    resources.append(duplicate_resource())
    for p in PATIENTS:
        resources.append(encounter_resource(p))
    for p in PATIENTS:
        resources += weight_resources(p)
    resources += ALLERGIES
    resources += ORDERS
    resources += DISPENSES
    resources += ADMINS
    return {
        "resourceType": "Bundle",
        "id": "bedside-mar-demo-ward-4w",
        "meta": {
            "tag": [{"system": "urn:bedside-mar:demo", "code": "shift-to-now",
                     "display": "Demo data: shift clinical times by (now - Bundle.timestamp) at import"}],
        },
        "type": "collection",
        "timestamp": ANCHOR.isoformat(),
        "entry": [{"fullUrl": BASE_URL + f"{r['resourceType']}/{r['id']}", "resource": r} for r in resources],
    }


# --------------------------------------------------------------------------
# Labels

def minutes_after_anchor(iso):
    return minutes_from_anchor(iso)


def build_labels():
    wristbands = []
    for p in PATIENTS + [dict(DUPLICATE, bed=None, bed_name=None, gsrn=None)]:
        symbols = [{"symbology": "code128", "data": p["mrn"], "text": f"MRN {p['mrn']}"}]
        if p.get("gsrn"):
            symbols.append({"symbology": "gs1-datamatrix", "data": f"(8018){p['gsrn']}",
                            "text": f"(8018) {p['gsrn']}"})
        active_allergies = [a for a in ALLERGIES
                            if a["patient"]["reference"] == f"Patient/{p['id']}"
                            and a["verificationStatus"]["coding"][0]["code"] not in ("refuted", "entered-in-error")
                            and a["code"].get("coding", [{}])[0].get("code") not in ("409137002", "716186003")]
        wristbands.append({
            "patient_id": p["id"],
            "bed": p.get("bed_name"),
            "name": f"{p['family'].upper()}, {' '.join(p['given'])}",
            "birth_date": p["birth"],
            "sex": p["gender"],
            "mrn": p["mrn"],
            "allergy_band": bool(active_allergies),
            "note": None if p.get("bed") else "Inactive duplicate record (merged): must not identify a patient.",
            "symbols": symbols,
        })

    bags = []

    def iv(key, serial, expiry_days, note=None):
        pr = PROD[key]
        bags.append({
            "product_id": pr["id"], "title": pr["name"], "gtin": pr["gtin"],
            "ndc": pr["ndc"], "lot": LOTS[key], "serial": serial, "expiry_days": expiry_days,
            "symbology": "gs1-datamatrix",
            "data_at_anchor": gs1_bracketed(pr["gtin"], yymmdd(ANCHOR.date() + dt.timedelta(days=expiry_days)),
                                            LOTS[key], serial),
            "note": note,
        })

    # One fresh bag of every catalog product, for trying the scenarios with a scanner.
    for pr in PRODUCTS:
        iv(pr["key"], "L" + pr["gtin"][-5:-1] + "01", 365)
    iv("ivig-10g-100", "IG10-5505", 365, "Second IVIG bottle for bed 4W-09 (DOSE_PARTIAL).")
    iv("nacl-0.9-1000", "LX0001", -30, "Expired 30 days ago (PRODUCT_EXPIRED).")
    # The bags that hang on the poles: re-scanning them opens the running infusion.
    for aid, a in ADMIN.items():
        if a["gtin_bag"] and a["status"] == "in-progress":
            key, lot, serial, _ = a["gtin_bag"]
            iv(key, serial, 200, f"Infusing for bed {PAT[a['bed']]['bed_name']} (charted by another terminal).")
    iv("heparin-25000-250", "HEP-20931", 200, "Completed this morning for bed 4W-10 (BAG_ALREADY_USED).")

    pharmacy = []
    for label, d in DISPENSE.items():
        p = PAT[d["bed"]]
        bud_local = dt.datetime.fromisoformat(d["bud"])
        pharmacy.append({
            "label_id": label,
            "symbology": "code128",
            "data": label,
            "patient": f"{p['family'].upper()}, {' '.join(p['given'])}",
            "mrn": p["mrn"],
            "bed": p["bed_name"],
            "drug": d["text"],
            "dose": d["dose_text"],
            "volume_ml": d["volume"],
            "rate": d["rate_text"],
            "prepared_minutes": minutes_after_anchor(d["prepared"]),
            "beyond_use_minutes": minutes_after_anchor(d["bud"]),
            "beyond_use_at_anchor": bud_local.strftime("%Y-%m-%d %H:%M"),
            "order_id": d["order"],
        })
    pharmacy.append({
        "label_id": UNKNOWN_LABEL, "symbology": "code128", "data": UNKNOWN_LABEL,
        "patient": None, "mrn": None, "bed": None, "drug": "(no such dispense: PRODUCT_UNKNOWN)",
        "dose": None, "volume_ml": None, "rate": None, "prepared_minutes": None,
        "beyond_use_minutes": None, "beyond_use_at_anchor": None, "order_id": None,
    })

    badges = [{"badge": b, "symbology": "code128", "data": b, "name": f"{g} {f}", "role": ROLE_TEXT[r],
               "active": a} for b, f, g, r, a in STAFF]

    return {
        "format": "bedside-mar-demo-labels",
        "version": 1,
        "anchor": ANCHOR.isoformat(),
        "time_zone": "America/New_York",
        "wristbands": wristbands,
        "iv_bags": bags,
        "pharmacy_labels": pharmacy,
        "badges": badges,
    }


# --------------------------------------------------------------------------
# README generated sections

def allergy_text(bed):
    items = []
    for a in ALLERGIES:
        if a["patient"]["reference"] != f"Patient/{PAT[bed]['id']}":
            continue
        code = a["code"].get("coding", [{}])[0]
        ver = a["verificationStatus"]["coding"][0]["code"]
        label = a["code"].get("text") or code.get("display")
        if code.get("code") in ("409137002", "716186003"):
            items.append(f"{code['display']} ({code['code']})")
            continue
        bits = [a.get("criticality", "")]
        if ver != "confirmed":
            bits.append(ver)
        if not code:
            bits.append("text only")
        items.append(f"{label} ({', '.join(b for b in bits if b)})")
    return "; ".join(items) if items else "**none recorded** (not assessed)"


def day_text(iso):
    """'today 09:34', 'yesterday 21:33', '40 days ago 09:00', 'tomorrow 08:30'."""
    t = dt.datetime.fromisoformat(iso).astimezone(TZ)
    days = (t.date() - ANCHOR.date()).days
    name = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(days)
    if name is None:
        name = f"{-days} days ago" if days < 0 else f"in {days} days"
    return f"{name} {t.strftime('%H:%M')}"


def weight_text(bed):
    w = PAT[bed]["weights"]
    if not w:
        return "**none**"
    when, kg = w[-1]
    days = (ANCHOR - dt.datetime.fromisoformat(when)).days
    return f"{kg:.1f} kg ({day_text(when)})" + (" **older than 30 days**" if days > 30 else "")


def status_tag(res):
    return "" if res["status"] == "active" else f" **[{res['status']}]**"


def readme_ward():
    lines = ["| Bed | Patient (MRN / GSRN) | Weight | Allergies | Orders | Bags and doses charted elsewhere |",
             "|---|---|---|---|---|---|"]
    for p in PATIENTS:
        orders = [f"`{oid}`{status_tag(o['resource'])}: {o['text']}" for oid, o in ORDER.items() if o["bed"] == p["bed"]]
        bagtxt = []
        for label, d in DISPENSE.items():
            if d["bed"] == p["bed"]:
                bagtxt.append(f"label `{label}`: prepared {day_text(d['prepared'])}, beyond use {day_text(d['bud'])}")
        for aid, a in ADMIN.items():
            if a["bed"] == p["bed"]:
                if a["gtin_bag"]:
                    what = f"{re.sub(r' [(][^)]*[)]$', '', PROD[a['gtin_bag'][0]]['name'])}, serial `{a['gtin_bag'][2]}`"
                elif a["label"]:
                    what = f"label `{a['label']}`"
                else:
                    dose = a["resource"]["dosage"]["dose"]
                    what = f"{ORDER[a['order']]['display']} {fmt_num(dose['value'])} {dose['unit']} push"
                period = day_text(a["start"]) + (f" – {day_text(a['end'])}" if a["end"] else "")
                bagtxt.append(f"{a['status']}: {what}, {period}")
        ident = f"{patient_name(p)}, {p['gender'][0].upper()} {p['birth']}<br>MRN `{p['mrn']}`"
        if p["gsrn"]:
            ident += f"<br>GSRN `{p['gsrn']}`"
        lines.append(f"| {p['bed_name']} | {ident}<br>{p['story']} | {weight_text(p['bed'])} | "
                     f"{allergy_text(p['bed'])} | {'<br>'.join(orders)} | {'<br>'.join(bagtxt) or '—'} |")
    return "\n".join(lines)


def readme_products():
    lines = ["| Product | GTIN | NDC | Form | Content |", "|---|---|---|---|---|"]
    for p in PRODUCTS:
        content = ", ".join(f"{ING[k][1]} {fmt_num(nv)} {UNIT_TEXT[nc]}/{fmt_num(dv)} {UNIT_TEXT[dc]}"
                            for k, nv, nc, dv, dc in p["ingredients"])
        real = " (real)" if p["real"] else ""
        lines.append(f"| `{p['id']}` {p['name']} | `{p['gtin']}`{real} | {p['ndc'] or '—'} | "
                     f"{FORMS[p['form']][2]} | {content} |")
    return "\n".join(lines)


def readme_scenarios():
    lines = ["| # | Case | Wristband scan | Product scan | Verdict | Findings (all expected) | Matched order |",
             "|---|---|---|---|---|---|---|"]
    for s in SCENARIOS:
        codes = ", ".join(f"{c} ({sev})" for c, sev in s["codes"]) or "—"
        if s["kind"] == "open-infusion":
            verdict = f"opens `{s['running_administration']}`"
            codes = "no BAG_ALREADY_USED / BAG_STILL_INFUSING"
        else:
            verdict = f"**{s['verdict']}**"
        if s["requires"]:
            codes += f"; requires {', '.join(s['requires'])}"
        title = s["title"] + (" *(anchor only)*" if s["anchor_only"] else "")
        if s["note"]:
            title += f"<br><small>{s['note']}</small>"
        lines.append(f"| {s['id']} | {title} | `{s['patient_scan']}` | `{s['product_scan']}` | {verdict} | "
                     f"{codes} | {('`' + s['order'] + '`') if s['order'] else '—'} |")
    lines.append("")
    lines.append("Codes that need conditions other than the data:")
    lines.append("")
    lines.append("| Code | Severity | How to see it |")
    lines.append("|---|---|---|")
    for code, sev, how in CONDITIONS:
        lines.append(f"| {code} | {sev} | {how} |")
    return "\n".join(lines)


def splice(text, name, body):
    begin = f"<!-- BEGIN GENERATED {name} (tools/make-demo-ward.py) -->"
    end = f"<!-- END GENERATED {name} -->"
    i, j = text.index(begin), text.index(end)
    return text[:i + len(begin)] + "\n" + body + "\n" + text[j:]


# --------------------------------------------------------------------------

def scenarios_document():
    return {
        "format": "bedside-mar-demo-scenarios",
        "version": 1,
        "anchor": ANCHOR.isoformat(),
        "time_zone": "America/New_York",
        "bundle": "demo-ward.json",
        "scenarios": [dict(s, codes=[{"code": c, "severity": sev} for c, sev in s["codes"]]) for s in SCENARIOS],
        "conditions": [{"code": c, "severity": s, "how": h} for c, s, h in CONDITIONS],
    }


def dump(obj):
    return json.dumps(obj, indent=1, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if the committed files are out of date")
    args = ap.parse_args()

    outputs = {
        os.path.join(OUT_DIR, "demo-ward.json"): dump(build_bundle()),
        os.path.join(OUT_DIR, "scenarios.json"): dump(scenarios_document()),
        os.path.join(OUT_DIR, "labels.json"): dump(build_labels()),
    }
    readme = os.path.join(OUT_DIR, "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    text = splice(text, "WARD", readme_ward())
    text = splice(text, "PRODUCTS", readme_products())
    text = splice(text, "SCENARIOS", readme_scenarios())
    outputs[readme] = text

    stale = []
    for path, content in outputs.items():
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old != content:
            stale.append(os.path.relpath(path, ROOT))
            if not args.check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(content)
    if args.check and stale:
        print("out of date (run tools/make-demo-ward.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    for path in stale if not args.check else []:
        print("wrote " + path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
