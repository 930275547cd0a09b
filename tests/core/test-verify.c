/* test-verify.c — the verification engine, one test per rule of RULES.md
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test is named after its code and fails if the rule is removed: it
 * asserts the finding where the rule applies and its absence on the other
 * side of the edge.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "mar-quantity.h"
#include "mar-schedule.h"
#include "mar-time.h"
#include "ward.h"

#define MIN_S 60
#define HOUR_S 3600

/* Products and orders the tests share --------------------------------- */

static MarProduct *
vanco_premix (Ward       *w,
              const char *id,
              double      grams)
{
  MarProduct *p = ward_add_product (w, id, grams == 1 ? "00312345000011" : "00312345000028",
                                    "Vancomycin in 0.9% sodium chloride", 250);

  product_add_ingredient (p->ingredients, RX_VANCOMYCIN, "vancomycin", grams, "g", 250, "mL");
  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  return p;
}

static MarProduct *
vanco_vial (Ward       *w,
            const char *id,
            const char *gtin,
            double      mg)
{
  MarProduct *p = ward_add_product (w, id, gtin, "Vancomycin for injection vial", 0);

  product_add_ingredient (p->ingredients, RX_VANCOMYCIN, "vancomycin", mg, "mg", 1, "{vial}");
  return p;
}

static MarOrder *
vanco_order (Ward  *w,
             double grams)
{
  return ward_add_order (w, "o-vanco", RX_VANCOMYCIN, "vancomycin", grams, "g");
}

static MarProduct *
saline_bag (Ward  *w,
            double ml)
{
  MarProduct *p = ward_add_product (w, ml == 1000 ? "saline-1000" : "saline-500",
                                    ml == 1000 ? "00312345000035" : "00312345000042",
                                    "0.9% sodium chloride injection", ml);

  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  return p;
}

static MarProduct *
heparin_bag (Ward  *w,
             double units,
             double ml)
{
  MarProduct *p = ward_add_product (w, "heparin-bag", "00312345000059",
                                    "Heparin sodium in 0.45% sodium chloride", ml);

  product_add_ingredient (p->ingredients, RX_HEPARIN, "heparin", units, "[iU]", ml, "mL");
  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.45, "g", 100, "mL");
  return p;
}

static MarOrder *
heparin_drip_order (Ward *w)
{
  MarOrder *o = ward_add_order (w, "o-heparin", RX_HEPARIN, "heparin", 0, NULL);

  order_set_continuous (o, 18, "[iU]/kg/h");
  return o;
}

static MarProduct *
potassium_bag (Ward       *w,
               const char *id,
               double      meq,
               double      ml,
               const char *diluent,
               const char *diluent_name)
{
  MarProduct *p = ward_add_product (w, id, id, "Potassium chloride premix", ml);

  product_add_ingredient (p->ingredients, RX_POTASSIUM, "potassium chloride", meq, "meq", ml, "mL");
  product_add_ingredient (p->ingredients, diluent, diluent_name, 0, NULL, 0, NULL);
  return p;
}

static MarOrder *
potassium_order (Ward *w)
{
  MarOrder *o = ward_add_order (w, "o-kcl", NULL, "potassium chloride 20 mEq in sodium chloride", 20, "meq");

  product_add_ingredient (o->ingredients, RX_POTASSIUM, "potassium chloride", 0, NULL, 0, NULL);
  product_add_ingredient (o->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0, NULL, 0, NULL);
  return o;
}

static void
assert_kind (MarVerdict    *verdict,
             MarVerdictKind kind)
{
  if (mar_verdict_get_kind (verdict) != kind)
    {
      dump_verdict (verdict);
      g_error ("verdict %s, expected %s", mar_verdict_kind_to_string (mar_verdict_get_kind (verdict)),
               mar_verdict_kind_to_string (kind));
    }
}

/* The clean case every rule test departs from. */
static void
test_pass (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_kind (v, MAR_VERDICT_PASS);
  g_assert_cmpuint (mar_verdict_get_findings (v)->len, ==, 0);
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco");
  g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_today (w, 8, 0));
  g_assert_cmpint (mar_verdict_get_minutes_from_due (v), ==, 0);
  g_assert_cmpint (mar_verdict_get_window_minutes (v), ==, 60);
  g_assert_cmpint (mar_verdict_get_requirements (v), ==, MAR_REQUIRES_NONE);
  g_assert_cmpint (mar_verdict_get_outcome (v), ==, MAR_VERDICT_OUTCOME_NEW_ADMINISTRATION);
  g_assert_cmpstr (mar_verdict_get_product_id (v), ==, "vanco-1g");
  g_assert_cmpstr (mar_verdict_get_drug_library_version (v), ==, "2026.3");
  g_assert_false (mar_verdict_is_partial (v));
  g_assert_false (mar_verdict_is_prn (v));
}

/* Scans ------------------------------------------------------------------ */

static void
test_scan_barcode_invalid (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) patient = NULL;
  g_autoptr(MarVerdict) product = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->facts.patient_scan.kind = MAR_SCAN_KIND_UNREADABLE;
  w->facts.patient_scan.error_message = "check digit of (8018) is wrong";
  w->patient_known = FALSE;
  patient = ward_verify (w);
  assert_finding (patient, "BARCODE_INVALID", MAR_SEVERITY_BLOCK);
  g_assert_nonnull (strstr (finding_message (patient, "BARCODE_INVALID"), "check digit"));
  g_assert_cmpint (mar_finding_get_right (g_ptr_array_index (mar_verdict_get_findings (patient), 0)), ==,
                   MAR_RIGHT_PATIENT);
  assert_no_finding (patient, "PATIENT_UNKNOWN");
  assert_kind (patient, MAR_VERDICT_BLOCK);

  w->facts.patient_scan.kind = MAR_SCAN_KIND_WRISTBAND;
  w->patient_known = TRUE;
  w->facts.product_scan.kind = MAR_SCAN_KIND_UNREADABLE;
  w->facts.product_scan.error_message = "(17) 261331 is not a date";
  w->facts.product = NULL;
  product = ward_verify (w);
  assert_finding (product, "BARCODE_INVALID", MAR_SEVERITY_BLOCK);
  assert_no_finding (product, "PRODUCT_UNKNOWN");
  assert_no_finding (product, "NO_ACTIVE_ORDER");
}

static void
test_scan_wrong_barcode_kind (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarScanKind wrong_for_patient[] = { MAR_SCAN_KIND_PRODUCT, MAR_SCAN_KIND_BAG_LABEL, MAR_SCAN_KIND_BADGE };
  MarScanKind wrong_for_product[] = { MAR_SCAN_KIND_WRISTBAND, MAR_SCAN_KIND_BADGE };

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (wrong_for_patient); i++)
    {
      g_autoptr(MarVerdict) v = NULL;

      w->facts.patient_scan.kind = wrong_for_patient[i];
      w->patient_known = FALSE;
      v = ward_verify (w);
      assert_finding (v, "WRONG_BARCODE_KIND", MAR_SEVERITY_BLOCK);
    }
  w->facts.patient_scan.kind = MAR_SCAN_KIND_WRISTBAND;
  w->patient_known = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (wrong_for_product); i++)
    {
      g_autoptr(MarVerdict) v = NULL;

      w->facts.product_scan.kind = wrong_for_product[i];
      w->facts.product = NULL;
      v = ward_verify (w);
      assert_finding (v, "WRONG_BARCODE_KIND", MAR_SEVERITY_BLOCK);
      assert_no_finding (v, "PRODUCT_UNKNOWN");
    }
}

static void
test_scan_patient_unknown (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) nobody = NULL;
  g_autoptr(MarVerdict) inactive = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->patient_known = FALSE;
  nobody = ward_verify (w);
  assert_finding (nobody, "PATIENT_UNKNOWN", MAR_SEVERITY_BLOCK);

  w->patient_known = TRUE;
  w->patient->active = FALSE;
  inactive = ward_verify (w);
  assert_finding (inactive, "PATIENT_UNKNOWN", MAR_SEVERITY_BLOCK);
  /* No order is looked for on an inactive record. */
  g_assert_null (mar_verdict_get_order_id (inactive));
}

static void
test_scan_patient_mismatch (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) other = NULL;
  g_autoptr(MarVerdict) own = NULL;
  MarProduct *bag = vanco_premix (w, "vanco-bag", 1);
  MarDispense *d;

  vanco_order (w, 1);
  d = ward_scan_label (w, "RX-0001", bag, "o-vanco", "p2");
  other = ward_verify (w);
  assert_finding (other, "PATIENT_MISMATCH", MAR_SEVERITY_BLOCK);

  g_free (d->patient_id);
  d->patient_id = g_strdup ("p1");
  own = ward_verify (w);
  assert_no_finding (own, "PATIENT_MISMATCH");
  assert_kind (own, MAR_VERDICT_PASS);
  g_assert_cmpstr (mar_verdict_get_dispense_id (own), ==, "md-RX-0001");
  g_assert_cmpstr (mar_verdict_get_bag_id (own), ==, "RX-0001");
}

static void
test_scan_product_unknown (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) unknown = NULL;
  g_autoptr(MarVerdict) contained = NULL;
  g_autoptr(MarVerdict) withdrawn = NULL;
  MarProduct *premix = vanco_premix (w, "vanco-1g", 1);
  MarDispense *d;

  vanco_order (w, 1);
  w->facts.product_scan.kind = MAR_SCAN_KIND_UNKNOWN;
  w->facts.product = NULL;
  unknown = ward_verify (w);
  assert_finding (unknown, "PRODUCT_UNKNOWN", MAR_SEVERITY_BLOCK);
  assert_no_finding (unknown, "NO_ACTIVE_ORDER");

  /* RULES.md: a contained Medication is not a catalog product. */
  ward_scan_product (w, premix, NULL);
  premix->catalog = FALSE;
  contained = ward_verify (w);
  assert_finding (contained, "PRODUCT_UNKNOWN", MAR_SEVERITY_BLOCK);

  d = ward_scan_label (w, "RX-0002", premix, "o-vanco", "p1");
  g_free (d->status);
  d->status = g_strdup ("cancelled");
  withdrawn = ward_verify (w);
  assert_finding (withdrawn, "PRODUCT_UNKNOWN", MAR_SEVERITY_BLOCK);
}

static void
test_scan_product_expired (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarProduct *premix = vanco_premix (w, "vanco-1g", 1);
  MarDispense *d;

  vanco_order (w, 1);
  ward_scan_product (w, premix, "S1");

  /* (17) = the last day of use: expired from the next local midnight. */
  w->facts.product_scan.expiry_year = 2026;
  w->facts.product_scan.expiry_month = 3;
  w->facts.product_scan.expiry_day = 4;
  {
    g_autoptr(MarVerdict) yesterday = ward_verify (w);
    assert_finding (yesterday, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
  }
  w->facts.product_scan.expiry_day = 5;
  w->now = ward_local (w, 2026, 3, 5, 23, 59, 59);
  {
    g_autoptr(MarVerdict) last_second = ward_verify (w);
    assert_no_finding (last_second, "PRODUCT_EXPIRED");
  }
  w->now = ward_local (w, 2026, 3, 6, 0, 0, 0);
  {
    g_autoptr(MarVerdict) midnight = ward_verify (w);
    assert_finding (midnight, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
  }

  /* (7003): a date and time. */
  w->now = ward_today (w, 8, 0);
  w->facts.product_scan.expiry_year = 0;
  w->facts.product_scan.has_expiry_time = TRUE;
  w->facts.product_scan.expiry_time_year = 2026;
  w->facts.product_scan.expiry_time_month = 3;
  w->facts.product_scan.expiry_time_day = 5;
  w->facts.product_scan.expiry_time_hour = 8;
  w->facts.product_scan.expiry_time_minute = 0;
  {
    g_autoptr(MarVerdict) at_expiry = ward_verify (w);
    assert_no_finding (at_expiry, "PRODUCT_EXPIRED");
  }
  w->now += 1;
  {
    g_autoptr(MarVerdict) after = ward_verify (w);
    assert_finding (after, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
  }

  /* A bag's beyond-use date. */
  w->now = ward_today (w, 8, 0);
  w->facts.product_scan.has_expiry_time = FALSE;
  d = ward_scan_label (w, "RX-0003", premix, "o-vanco", "p1");
  d->beyond_use = g_strdup ("2026-03-05T07:59:00-05:00");
  {
    g_autoptr(MarVerdict) beyond = ward_verify (w);
    assert_finding (beyond, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
  }
  g_free (d->beyond_use);
  d->beyond_use = g_strdup ("2026-03-05");
  {
    g_autoptr(MarVerdict) today = ward_verify (w);
    assert_no_finding (today, "PRODUCT_EXPIRED");
  }
  g_free (d->beyond_use);
  d->beyond_use = g_strdup ("soon");
  {
    g_autoptr(MarVerdict) unreadable = ward_verify (w);
    assert_finding (unreadable, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
  }
}

/* Orders ---------------------------------------------------------------- */

static void
test_order_premix_matches (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  /* RULES.md: sets, with the library's diluents: a premix "vancomycin in
   * NaCl" is a "vancomycin" order. */
  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_no_finding (v, "NO_ACTIVE_ORDER");
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco");
}

static void
test_order_no_active_order (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  g_autoptr(MarVerdict) kcl = NULL;
  MarProduct *cefazolin = ward_add_product (w, "cefazolin", "00312345000066", "Cefazolin 1 g vial", 0);

  product_add_ingredient (cefazolin->ingredients, RX_CEFAZOLIN, "cefazolin", 1, "g", 1, "{vial}");
  vanco_order (w, 1);
  ward_scan_product (w, cefazolin, NULL);
  v = ward_verify (w);
  assert_finding (v, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);
  g_assert_cmpstr (finding_message (v, "NO_ACTIVE_ORDER"), ==, "Cefazolin: this patient has no order for it");
  g_assert_null (mar_verdict_get_order_id (v));

  /* A plain 0.9% NaCl bag is not a "KCl 20 mEq in NaCl" order. */
  potassium_order (w);
  ward_scan_product (w, saline_bag (w, 1000), NULL);
  kcl = ward_verify (w);
  assert_finding (kcl, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);
}

static void
test_order_named_diluent (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) in_d5w = NULL;
  g_autoptr(MarVerdict) in_nacl = NULL;

  potassium_order (w);
  ward_scan_product (w, potassium_bag (w, "kcl-d5w", 20, 1000, RX_GLUCOSE, "glucose"), NULL);
  in_d5w = ward_verify (w);
  assert_finding (in_d5w, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);

  ward_scan_product (w, potassium_bag (w, "kcl-nacl", 20, 1000, RX_SODIUM_CHLORIDE, "sodium chloride"), NULL);
  in_nacl = ward_verify (w);
  assert_no_finding (in_nacl, "NO_ACTIVE_ORDER");
  g_assert_cmpstr (mar_verdict_get_order_id (in_nacl), ==, "o-kcl");
}

static void
test_order_unmapped (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  g_autoptr(MarVerdict) matched = NULL;
  MarOrder *lorazepam = ward_add_order (w, "o-lorazepam", NULL, "Lorazepam 2 mg/mL injection", 1, "mg");

  g_ptr_array_add (lorazepam->medication_codes,
                   mar_coding_new (MAR_SYSTEM_SNOMED, "400621001", "Lorazepam 2mg/ml injection solution"));
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_finding (v, "ORDER_UNMAPPED", MAR_SEVERITY_BLOCK);
  g_assert_nonnull (strstr (finding_message (v, "ORDER_UNMAPPED"), "Lorazepam 2 mg/mL injection"));
  assert_no_finding (v, "NO_ACTIVE_ORDER");

  /* When the product matches another order, the unmapped one does not
   * block it. */
  vanco_order (w, 1);
  matched = ward_verify (w);
  assert_no_finding (matched, "ORDER_UNMAPPED");
  assert_kind (matched, MAR_VERDICT_PASS);
}

static void
test_order_code_map (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  g_autoptr(MarVerdict) by_reference = NULL;
  MarOrder *o = ward_add_order (w, "o-vanco-ndc", NULL, "Vancomycin hydrochloride", 1, "g");
  MarProduct *referenced;

  /* An order coded by NDC only: the library's code → ingredients map. */
  g_ptr_array_add (o->medication_codes, mar_coding_new (MAR_SYSTEM_NDC, "0069-2587-10", "Vancomycin"));
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_kind (v, MAR_VERDICT_PASS);
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco-ndc");

  /* An order coded by a code no map knows, but referencing a Medication
   * whose ingredients are known. */
  g_ptr_array_set_size (o->medication_codes, 0);
  g_ptr_array_add (o->medication_codes, mar_coding_new (MAR_SYSTEM_NDC, "99999-999-99", "Vancomycin"));
  o->medication_product_id = g_strdup ("med-vanco");
  referenced = mar_product_new ();
  referenced->id = g_strdup ("med-vanco");
  product_add_ingredient (referenced->ingredients, RX_VANCOMYCIN, "vancomycin", 0, NULL, 0, NULL);
  g_ptr_array_add (w->order_products, referenced);
  by_reference = ward_verify (w);
  assert_kind (by_reference, MAR_VERDICT_PASS);
}

static void
test_order_label_finds_its_order (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  g_autoptr(MarVerdict) foreign = NULL;
  MarOrder *second = vanco_order (w, 1);
  MarDispense *d;

  g_free (second->id);
  second->id = g_strdup ("o-vanco-2");
  vanco_order (w, 1);
  /* Both orders match by ingredients; the label names the second. */
  d = ward_scan_label (w, "RX-0004", vanco_premix (w, "bag", 1), "o-vanco-2", "p1");
  v = ward_verify (w);
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco-2");

  g_free (d->order_id);
  d->order_id = g_strdup ("o-elsewhere");
  foreign = ward_verify (w);
  assert_finding (foreign, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);
}

static void
test_order_on_hold (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = vanco_order (w, 1);

  o->status = MAR_ORDER_STATUS_ON_HOLD;
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_finding (v, "ORDER_ON_HOLD", MAR_SEVERITY_BLOCK);
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco");
}

static void
test_order_discontinued (void)
{
  MarOrderStatus statuses[] = { MAR_ORDER_STATUS_STOPPED, MAR_ORDER_STATUS_CANCELLED };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(Ward) w = ward_new ();
      g_autoptr(MarVerdict) v = NULL;
      MarOrder *o = vanco_order (w, 1);

      o->status = statuses[i];
      ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
      v = ward_verify (w);
      assert_finding (v, "ORDER_DISCONTINUED", MAR_SEVERITY_BLOCK);
    }
}

static void
test_order_active_beats_held (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *held = vanco_order (w, 1);

  g_free (held->id);
  held->id = g_strdup ("o-held");
  held->status = MAR_ORDER_STATUS_ON_HOLD;
  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-vanco");
  assert_no_finding (v, "ORDER_ON_HOLD");
}

static void
test_order_nearest_due_wins (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *morning = vanco_order (w, 1);
  MarOrder *noon = vanco_order (w, 1);

  g_free (morning->id);
  morning->id = g_strdup ("o-morning");
  order_set_interval (morning, 1, "d", 1);
  g_free (noon->id);
  noon->id = g_strdup ("o-noon");
  order_set_interval (noon, 1, "d", 1);
  noon->bounds_start = ward_local (w, 2026, 3, 4, 12, 0, 0);
  w->now = ward_today (w, 10, 30);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  /* 08:00 is 2 h 30 min away, 12:00 is 1 h 30 min away. */
  g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-noon");
  g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_today (w, 12, 0));
}

static void
test_order_intent_ignored (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *plan = vanco_order (w, 1);
  MarOrder *draft = vanco_order (w, 1);
  MarOrder *error = vanco_order (w, 1);

  g_free (plan->intent);
  plan->intent = g_strdup ("plan");
  draft->status = MAR_ORDER_STATUS_DRAFT;
  error->status = MAR_ORDER_STATUS_ENTERED_IN_ERROR;
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_finding (v, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);

  {
    g_autoptr(MarVerdict) original = NULL;

    g_free (plan->intent);
    plan->intent = g_strdup ("original-order");
    original = ward_verify (w);
    assert_no_finding (original, "NO_ACTIVE_ORDER");
  }
}

static void
test_order_expired (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  o->status = MAR_ORDER_STATUS_COMPLETED;
  {
    g_autoptr(MarVerdict) completed = ward_verify (w);
    assert_finding (completed, "ORDER_EXPIRED", MAR_SEVERITY_BLOCK);
  }

  /* boundsPeriod.end passed; a dose due inside the bounds may still be
   * given within its window. */
  o->status = MAR_ORDER_STATUS_ACTIVE;
  o->bounds_end = ward_today (w, 8, 0);
  w->now = ward_today (w, 9, 0);
  {
    g_autoptr(MarVerdict) in_window = ward_verify (w);
    assert_no_finding (in_window, "ORDER_EXPIRED");
  }
  w->now = ward_today (w, 9, 0) + 1;
  {
    g_autoptr(MarVerdict) after = ward_verify (w);
    assert_finding (after, "ORDER_EXPIRED", MAR_SEVERITY_BLOCK);
    assert_no_finding (after, "TIME_LATE");
  }

  /* A PRN's bounds are strict. */
  o->as_needed = TRUE;
  o->bounds_end = ward_today (w, 7, 0);
  w->now = ward_today (w, 7, 0);
  {
    g_autoptr(MarVerdict) at_end = ward_verify (w);
    assert_no_finding (at_end, "ORDER_EXPIRED");
  }
  w->now += 1;
  {
    g_autoptr(MarVerdict) after_end = ward_verify (w);
    assert_finding (after_end, "ORDER_EXPIRED", MAR_SEVERITY_BLOCK);
  }
}

static void
test_order_not_started (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  /* First dose due 2026-03-05 20:00, window ±60 min. */
  o->bounds_start = ward_today (w, 20, 0);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->now = ward_today (w, 18, 59) - 1;
  {
    g_autoptr(MarVerdict) too_early = ward_verify (w);
    assert_finding (too_early, "ORDER_NOT_STARTED", MAR_SEVERITY_BLOCK);
    assert_no_finding (too_early, "TIME_EARLY");
  }
  w->now = ward_today (w, 19, 0);
  {
    g_autoptr(MarVerdict) in_window = ward_verify (w);
    assert_no_finding (in_window, "ORDER_NOT_STARTED");
    assert_no_finding (in_window, "TIME_EARLY");
  }

  /* A continuous order's bounds start is strict. */
  order_set_continuous (o, 100, "mL/h");
  o->bounds_start = ward_today (w, 12, 0);
  w->now = ward_today (w, 12, 0) - 1;
  {
    g_autoptr(MarVerdict) before = ward_verify (w);
    assert_finding (before, "ORDER_NOT_STARTED", MAR_SEVERITY_BLOCK);
  }
  w->now = ward_today (w, 12, 0);
  {
    g_autoptr(MarVerdict) at_start = ward_verify (w);
    assert_no_finding (at_start, "ORDER_NOT_STARTED");
  }
}

static void
test_order_incomplete (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  g_clear_pointer (&o->route_code, g_free);
  {
    g_autoptr(MarVerdict) no_route = ward_verify (w);
    assert_finding (no_route, "ORDER_INCOMPLETE", MAR_SEVERITY_BLOCK);
  }
  o->route_code = g_strdup (SCT_IV);
  o->dose.set = FALSE;
  {
    g_autoptr(MarVerdict) no_dose = ward_verify (w);
    assert_finding (no_dose, "ORDER_INCOMPLETE", MAR_SEVERITY_BLOCK);
  }
  mar_quantity_set (&o->dose, 1, "g");
  o->period = 0;
  {
    g_autoptr(MarVerdict) no_period = ward_verify (w);
    assert_finding (no_period, "ORDER_INCOMPLETE", MAR_SEVERITY_BLOCK);
  }
  /* A continuous infusion's dose is its rate. */
  order_set_continuous (o, 125, "mL/h");
  o->dose.set = FALSE;
  {
    g_autoptr(MarVerdict) drip = ward_verify (w);
    assert_no_finding (drip, "ORDER_INCOMPLETE");
  }
}

/* Dose ------------------------------------------------------------------- */

static void
test_dose_unit_conversion (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarQuantity container;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_vial (w, "vial-1000", "00312345000073", 1000), NULL);
  v = ward_verify (w);
  assert_kind (v, MAR_VERDICT_PASS);
  g_assert_true (mar_verdict_get_container_dose (v, &container));
  g_assert_cmpfloat_with_epsilon (container.value, 1, 1e-12);
  g_assert_cmpstr (container.unit, ==, "g");
}

static void
test_dose_mismatch (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1.5g", 1.5), NULL);
  v = ward_verify (w);
  assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  g_assert_cmpstr (finding_message (v, "DOSE_MISMATCH"), ==, "Vancomycin 1.5 g — ordered 1 g");
  g_assert_cmpint (mar_finding_get_right (g_ptr_array_index (mar_verdict_get_findings (v), 0)), ==, MAR_RIGHT_DOSE);
}

static void
test_dose_partial (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarQuantity remaining;

  vanco_order (w, 1.5);
  ward_scan_product (w, vanco_vial (w, "vial-1000", "00312345000073", 1000), NULL);
  v = ward_verify (w);
  assert_finding (v, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
  g_assert_cmpstr (finding_message (v, "DOSE_PARTIAL"), ==,
                   "Vancomycin 1 g — ordered 1.5 g: 500 mg remains; scan the next container for this dose");
  g_assert_true (mar_verdict_is_partial (v));
  g_assert_true (mar_verdict_get_remaining_dose (v, &remaining));
  g_assert_cmpfloat_with_epsilon (remaining.value, 0.5, 1e-12);
  g_assert_cmpstr (remaining.unit, ==, "g");
  assert_kind (v, MAR_VERDICT_WARN);
  g_assert_true (mar_verdict_get_requirements (v) & MAR_REQUIRES_REASON);
}

static void
test_dose_partial_adds_up (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarAdministration *first;

  vanco_order (w, 1.5);
  first = ward_add_administration (w, "o-vanco", "in-progress", ward_today (w, 7, 55), ward_today (w, 8, 0));
  first->partial = TRUE;
  mar_quantity_set (&first->dose, 1000, "mg");
  first->bag_id = g_strdup ("0100312345000073" "21A");
  ward_scan_product (w, vanco_vial (w, "vial-500", "00312345000080", 500), "B");
  v = ward_verify (w);
  /* 1 g + 500 mg = the 1.5 g dose: no partial, no "already given". */
  assert_no_finding (v, "DOSE_PARTIAL");
  assert_no_finding (v, "DOSE_MISMATCH");
  assert_no_finding (v, "DOSE_ALREADY_GIVEN");
  assert_kind (v, MAR_VERDICT_PASS);
  g_assert_true (mar_verdict_is_partial (v));
}

static void
test_dose_partial_exceeds (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarAdministration *first;

  vanco_order (w, 1.5);
  first = ward_add_administration (w, "o-vanco", "completed", ward_today (w, 7, 40), MAR_TIME_UNSET);
  first->partial = TRUE;
  mar_quantity_set (&first->dose, 1, "g");
  ward_scan_product (w, vanco_vial (w, "vial-1000", "00312345000073", 1000), NULL);
  v = ward_verify (w);
  assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  g_assert_cmpstr (finding_message (v, "DOSE_MISMATCH"), ==,
                   "Vancomycin 1 g — with 1 g already given this makes 2 g; ordered 1.5 g");
}

static void
test_dose_partial_second_of_three (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarAdministration *first;
  MarProduct *ivig = ward_add_product (w, "ivig-10g", "00312345000097", "Immune globulin 10 g/100 mL", 100);
  MarQuantity remaining;

  product_add_ingredient (ivig->ingredients, RX_IVIG, "immunoglobulin G", 10, "g", 100, "mL");
  /* 0.4 g/kg × 70 kg = 28 g: three bottles. */
  ward_add_order (w, "o-ivig", RX_IVIG, "immunoglobulin G", 0.4, "g/kg");
  first = ward_add_administration (w, "o-ivig", "completed", ward_today (w, 7, 0), ward_today (w, 8, 0));
  first->partial = TRUE;
  mar_quantity_set (&first->dose, 10, "g");
  ward_scan_product (w, ivig, "2");
  v = ward_verify (w);
  assert_finding (v, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
  g_assert_true (mar_verdict_get_remaining_dose (v, &remaining));
  g_assert_cmpfloat_with_epsilon (remaining.value, 8, 1e-9);
  g_assert_cmpstr (remaining.unit, ==, "g");
  g_assert_nonnull (strstr (finding_message (v, "DOSE_PARTIAL"), "8 g remains"));
}

static void
test_dose_volume (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = ward_add_order (w, "o-saline", RX_SODIUM_CHLORIDE, "sodium chloride 0.9%", 1, "L");

  /* RULES.md: a dose in volume compares with the bag volume. */
  order_set_interval (o, 1, "d", 1);
  ward_scan_product (w, saline_bag (w, 1000), NULL);
  {
    g_autoptr(MarVerdict) full = ward_verify (w);
    assert_no_finding (full, "DOSE_MISMATCH");
    assert_no_finding (full, "DOSE_PARTIAL");
  }
  ward_scan_product (w, saline_bag (w, 500), NULL);
  {
    g_autoptr(MarVerdict) half = ward_verify (w);
    assert_finding (half, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
    g_assert_nonnull (strstr (finding_message (half, "DOSE_PARTIAL"), "500 mL remains"));
  }
  mar_quantity_set (&o->dose, 250, "mL");
  {
    g_autoptr(MarVerdict) more = ward_verify (w);
    assert_finding (more, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  }
}

static void
test_dose_combination_sum (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  g_autoptr(MarVerdict) four_five = NULL;
  MarProduct *zosyn = ward_add_product (w, "pip-tazo", "00312345000103", "Piperacillin-tazobactam 3.375 g vial", 0);
  MarOrder *o = ward_add_order (w, "o-piptazo", NULL, "piperacillin-tazobactam", 3.375, "g");

  product_add_ingredient (zosyn->ingredients, RX_PIPERACILLIN, "piperacillin", 3, "g", 1, "{vial}");
  product_add_ingredient (zosyn->ingredients, RX_TAZOBACTAM, "tazobactam", 375, "mg", 1, "{vial}");
  product_add_ingredient (o->ingredients, RX_PIPERACILLIN, "piperacillin", 0, NULL, 0, NULL);
  product_add_ingredient (o->ingredients, RX_TAZOBACTAM, "tazobactam", 0, NULL, 0, NULL);
  ward_scan_product (w, zosyn, NULL);
  v = ward_verify (w);
  assert_kind (v, MAR_VERDICT_PASS);

  mar_quantity_set (&o->dose, 4.5, "g");
  four_five = ward_verify (w);
  assert_finding (four_five, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
  g_assert_nonnull (strstr (finding_message (four_five, "DOSE_PARTIAL"), "Piperacillin-tazobactam 3.375 g"));
}

static void
test_dose_per_kg (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarProduct *bag = ward_add_product (w, "infliximab-bag", "00312345000110", "Infliximab in 0.9% NaCl", 250);
  MarProduct *bigger = ward_add_product (w, "infliximab-bag-800", "00312345000127", "Infliximab in 0.9% NaCl", 250);

  product_add_ingredient (bag->ingredients, RX_INFLIXIMAB, "infliximab", 350, "mg", 250, "mL");
  product_add_ingredient (bag->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  product_add_ingredient (bigger->ingredients, RX_INFLIXIMAB, "infliximab", 400, "mg", 250, "mL");
  product_add_ingredient (bigger->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  /* 5 mg/kg × 70 kg = 350 mg. */
  ward_add_order (w, "o-infliximab", RX_INFLIXIMAB, "infliximab", 5, "mg/kg");
  ward_scan_product (w, bag, NULL);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_kind (v, MAR_VERDICT_PASS);
  }
  ward_scan_product (w, bigger, NULL);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (finding_message (v, "DOSE_MISMATCH"), ==,
                     "Infliximab 400 mg — ordered 5 mg/kg (350 mg for 70 kg)");
  }
}

static void
test_dose_range (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  mar_quantity_set (&o->dose_high, 2, "g");
  ward_scan_product (w, vanco_premix (w, "vanco-1.5g", 1.5), NULL);
  {
    g_autoptr(MarVerdict) inside = ward_verify (w);
    assert_kind (inside, MAR_VERDICT_PASS);
  }
  mar_quantity_set (&o->dose, 1750, "mg");
  mar_quantity_set (&o->dose_high, 2000, "mg");
  {
    g_autoptr(MarVerdict) below = ward_verify (w);
    assert_finding (below, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
  }
  mar_quantity_set (&o->dose, 1, "g");
  mar_quantity_set (&o->dose_high, 1.25, "g");
  {
    g_autoptr(MarVerdict) above = ward_verify (w);
    assert_finding (above, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  }
}

static void
test_dose_units_and_meq (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *heparin = ward_add_order (w, "o-heparin-bolus", RX_HEPARIN, "heparin", 5000, "U");
  MarProduct *syringe = ward_add_product (w, "heparin-5000", "00312345000134", "Heparin 5,000 units/mL", 1);

  /* [iU] and U are one dimension. */
  product_add_ingredient (syringe->ingredients, RX_HEPARIN, "heparin", 5000, "[iU]", 1, "mL");
  ward_scan_product (w, syringe, NULL);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "DOSE_MISMATCH");
    g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "o-heparin-bolus");
  }
  heparin->status = MAR_ORDER_STATUS_STOPPED;

  potassium_order (w);
  ward_scan_product (w, potassium_bag (w, "kcl-10", 10, 100, RX_SODIUM_CHLORIDE, "sodium chloride"), NULL);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "DOSE_PARTIAL", MAR_SEVERITY_WARN);
    g_assert_nonnull (strstr (finding_message (v, "DOSE_PARTIAL"), "10 mEq remains"));
  }
}

static void
test_dose_concentration_continuous (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip_order (w);

  product_add_ingredient (o->ingredients, RX_HEPARIN, "heparin", 25000, "[iU]", 250, "mL");
  ward_scan_product (w, heparin_bag (w, 25000, 250), NULL);
  {
    g_autoptr(MarVerdict) same = ward_verify (w);
    assert_no_finding (same, "DOSE_MISMATCH");
  }
  ward_scan_product (w, heparin_bag (w, 25000, 500), NULL);
  {
    g_autoptr(MarVerdict) diluted = ward_verify (w);
    assert_finding (diluted, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (finding_message (diluted, "DOSE_MISMATCH"), ==,
                     "Heparin 50 units/mL — ordered 100 units/mL");
  }
}

static void
test_dose_strength_unknown (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarProduct *bare = ward_add_product (w, "vanco-bare", "00312345000141", "Vancomycin", 0);

  product_add_ingredient (bare->ingredients, RX_VANCOMYCIN, "vancomycin", 500, "mg", 10, "mL");
  vanco_order (w, 1);
  ward_scan_product (w, bare, NULL);
  v = ward_verify (w);
  assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  g_assert_nonnull (strstr (finding_message (v, "DOSE_MISMATCH"), "cannot be checked"));
}

static void
test_dose_weight_missing (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarProduct *bag = ward_add_product (w, "infliximab-bag", "00312345000110", "Infliximab in 0.9% NaCl", 250);

  product_add_ingredient (bag->ingredients, RX_INFLIXIMAB, "infliximab", 350, "mg", 250, "mL");
  ward_add_order (w, "o-infliximab", RX_INFLIXIMAB, "infliximab", 5, "mg/kg");
  ward_scan_product (w, bag, NULL);

  /* RULES.md: a weight in the last 30 days (drug library). */
  w->patient->weight_time = w->now - 30 * 86400;
  {
    g_autoptr(MarVerdict) thirty_days = ward_verify (w);
    assert_no_finding (thirty_days, "WEIGHT_MISSING");
  }
  w->patient->weight_time = w->now - 30 * 86400 - 1;
  {
    g_autoptr(MarVerdict) older = ward_verify (w);
    assert_finding (older, "WEIGHT_MISSING", MAR_SEVERITY_BLOCK);
  }
  w->patient->weight.set = FALSE;
  {
    g_autoptr(MarVerdict) none = ward_verify (w);
    assert_finding (none, "WEIGHT_MISSING", MAR_SEVERITY_BLOCK);
    assert_no_finding (none, "DOSE_MISMATCH");
  }
}

static void
test_weight_missing_rate (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  /* A weight-based rate (units/kg/h) needs a weight at the scan too. */
  heparin_drip_order (w);
  ward_scan_product (w, heparin_bag (w, 25000, 250), NULL);
  w->patient->weight.set = FALSE;
  v = ward_verify (w);
  assert_finding (v, "WEIGHT_MISSING", MAR_SEVERITY_BLOCK);
}

/* Route ------------------------------------------------------------------ */

static void
test_route_mismatch (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  g_free (o->route_code);
  o->route_code = g_strdup (SCT_ORAL);
  g_free (o->route_display);
  o->route_display = g_strdup ("oral route");
  {
    g_autoptr(MarVerdict) oral = ward_verify (w);
    assert_finding (oral, "ROUTE_MISMATCH", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (finding_message (oral, "ROUTE_MISMATCH"), ==, "Ordered route: Oral route — not intravenous");
  }
  /* A child of the IV route that the library lists. */
  g_free (o->route_code);
  o->route_code = g_strdup ("255560000");
  {
    g_autoptr(MarVerdict) child = ward_verify (w);
    assert_no_finding (child, "ROUTE_MISMATCH");
  }
}

static void
test_route_product_form (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarProduct *tablet = ward_add_product (w, "apap-tab", "00312345000158", "Acetaminophen 500 mg tablet", 0);

  g_free (tablet->form_code);
  tablet->form_code = g_strdup ("385055001");
  g_free (tablet->form_display);
  tablet->form_display = g_strdup ("tablet");
  product_add_ingredient (tablet->ingredients, RX_ACETAMINOPHEN, "acetaminophen", 500, "mg", 1, "{tbl}");
  ward_add_order (w, "o-apap", RX_ACETAMINOPHEN, "acetaminophen", 500, "mg");
  ward_scan_product (w, tablet, NULL);
  v = ward_verify (w);
  assert_finding (v, "ROUTE_MISMATCH", MAR_SEVERITY_BLOCK);
  g_assert_cmpstr (finding_message (v, "ROUTE_MISMATCH"), ==, "Tablet cannot be given intravenously");
}

/* Time ------------------------------------------------------------------- */

static void
test_time_early (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->now = ward_today (w, 6, 45);
  v = ward_verify (w);
  assert_finding (v, "TIME_EARLY", MAR_SEVERITY_WARN);
  g_assert_cmpstr (finding_message (v, "TIME_EARLY"), ==, "Early by 1 h 15 min (due 08:00, window ±60 min)");
  g_assert_cmpint (mar_verdict_get_minutes_from_due (v), ==, -75);
  assert_kind (v, MAR_VERDICT_WARN);
}

static void
test_time_late (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = vanco_order (w, 1);

  /* q2h: ±30 min. */
  order_set_interval (o, 2, "h", 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->now = ward_today (w, 8, 47);
  v = ward_verify (w);
  assert_finding (v, "TIME_LATE", MAR_SEVERITY_WARN);
  g_assert_cmpstr (finding_message (v, "TIME_LATE"), ==, "Late by 47 min (due 08:00, window ±30 min)");
  g_assert_cmpint (mar_verdict_get_minutes_from_due (v), ==, 47);
}

/* Every window's edges: |Δ| = window is on time; window + 1 s and
 * window + 1 min are not, on both sides. */
static void
test_time_window_edges (void)
{
  struct {
    const char *what;
    double period;
    const char *unit;
    const char *rxcui;
    int window;
  } cases[] = {
    { "q2h", 2, "h", RX_VANCOMYCIN, 30 },
    { "q4h", 4, "h", RX_VANCOMYCIN, 60 },
    { "q12h", 12, "h", RX_VANCOMYCIN, 60 },
    { "daily", 24, "h", RX_VANCOMYCIN, 120 },
    { "time-critical daily", 24, "h", RX_INSULIN, 30 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Ward) w = ward_new ();
      MarOrder *o = ward_add_order (w, "o-edge", cases[i].rxcui, "drug", 1, "g");
      MarProduct *p = ward_add_product (w, "p-edge", "00312345000165", "Drug 1 g", 0);
      gint64 due = ward_today (w, 8, 0);
      gint64 w_s = cases[i].window * MIN_S;
      struct { gint64 delta; const char *code; } probes[] = {
        { -w_s, NULL }, { -w_s - 1, "TIME_EARLY" }, { -w_s - MIN_S, "TIME_EARLY" },
        { w_s, NULL }, { w_s + 1, "TIME_LATE" }, { w_s + MIN_S, "TIME_LATE" },
        { 0, NULL },
      };

      order_set_interval (o, cases[i].period, cases[i].unit, 1);
      o->bounds_start = ward_local (w, 2026, 3, 1, 8, 0, 0);
      product_add_ingredient (p->ingredients, cases[i].rxcui, "drug", 1, "g", 1, "{vial}");
      ward_scan_product (w, p, NULL);

      for (guint j = 0; j < G_N_ELEMENTS (probes); j++)
        {
          g_autoptr(MarVerdict) v = NULL;

          w->now = due + probes[j].delta;
          v = ward_verify (w);
          g_test_message ("%s, delta %" G_GINT64_FORMAT " s", cases[i].what, probes[j].delta);
          g_assert_cmpint (mar_verdict_get_due_time (v), ==, due);
          g_assert_cmpint (mar_verdict_get_window_minutes (v), ==, cases[i].window);
          if (probes[j].code == NULL)
            {
              assert_no_finding (v, "TIME_EARLY");
              assert_no_finding (v, "TIME_LATE");
            }
          else
            assert_finding (v, probes[j].code, MAR_SEVERITY_WARN);
        }
    }
}

static void
test_time_stat (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  /* Stat: due at authoredOn, never early, late after 30 min. */
  g_free (o->priority);
  o->priority = g_strdup ("stat");
  order_set_interval (o, 0, "", 0);
  o->bounds_start = MAR_TIME_UNSET;
  o->authored_on = ward_today (w, 7, 30);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);

  w->now = ward_today (w, 7, 30) - 5 * MIN_S;
  {
    g_autoptr(MarVerdict) before = ward_verify (w);
    assert_no_finding (before, "TIME_EARLY");
    assert_no_finding (before, "ORDER_NOT_STARTED");
  }
  w->now = ward_today (w, 8, 0);
  {
    g_autoptr(MarVerdict) thirty = ward_verify (w);
    assert_no_finding (thirty, "TIME_LATE");
    g_assert_cmpint (mar_verdict_get_due_time (thirty), ==, ward_today (w, 7, 30));
    g_assert_cmpint (mar_verdict_get_window_minutes (thirty), ==, 30);
  }
  w->now += 1;
  {
    g_autoptr(MarVerdict) late = ward_verify (w);
    assert_finding (late, "TIME_LATE", MAR_SEVERITY_WARN);
    g_assert_cmpstr (finding_message (late, "TIME_LATE"), ==,
                     "Late by 31 min (due 07:30; a stat or first dose is late after 30 min)");
  }
}

static void
test_time_one_time_scheduled (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);
  gint64 event = ward_today (w, 14, 0);

  /* A single event after the order was written: due then, late after 30
   * min, early beyond the daily window. */
  order_set_interval (o, 0, "", 0);
  o->bounds_start = MAR_TIME_UNSET;
  g_array_append_val (o->events, event);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->now = ward_today (w, 13, 0);
  {
    g_autoptr(MarVerdict) hour_before = ward_verify (w);
    assert_finding (hour_before, "TIME_EARLY", MAR_SEVERITY_WARN);
  }
  w->now = ward_today (w, 14, 31);
  {
    g_autoptr(MarVerdict) late = ward_verify (w);
    assert_finding (late, "TIME_LATE", MAR_SEVERITY_WARN);
  }
  w->now = ward_today (w, 11, 59);
  {
    g_autoptr(MarVerdict) too_early = ward_verify (w);
    assert_finding (too_early, "ORDER_NOT_STARTED", MAR_SEVERITY_BLOCK);
  }
}

static void
test_time_dst_spring (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = vanco_order (w, 1);

  /* q6h on 2026-03-08: 00:00 EST, then 06:00 EDT five real hours later. */
  order_set_interval (o, 6, "h", 1);
  o->bounds_start = ward_local (w, 2026, 3, 7, 0, 0, 0);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->now = ward_local (w, 2026, 3, 8, 5, 0, 0);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_local (w, 2026, 3, 8, 6, 0, 0));
    assert_no_finding (v, "TIME_EARLY");
  }
  w->now = ward_local (w, 2026, 3, 8, 4, 59, 0);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "TIME_EARLY", MAR_SEVERITY_WARN);
  }
}

static void
test_time_dst_fall (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = ward_add_order (w, "o-insulin", RX_INSULIN, "insulin", 10, "[iU]");
  MarProduct *insulin = ward_add_product (w, "insulin-10", "00312345000172", "Insulin regular 10 units", 0);
  int tod = 1 * 3600 + 30 * 60;

  /* Time-critical (±30) at 01:30: on 2026-11-01 due at the first 01:30
   * (EDT); the second 01:30 (EST) is an hour late. */
  product_add_ingredient (insulin->ingredients, RX_INSULIN, "insulin regular", 10, "[iU]", 1, "{syringe}");
  order_set_interval (o, 1, "d", 1);
  g_array_append_val (o->times_of_day, tod);
  o->bounds_start = ward_local (w, 2026, 10, 1, 0, 0, 0);
  ward_scan_product (w, insulin, NULL);
  w->now = ward_local (w, 2026, 11, 1, 1, 30, 0) + HOUR_S;
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_local (w, 2026, 11, 1, 1, 30, 0));
    assert_finding (v, "TIME_LATE", MAR_SEVERITY_WARN);
    g_assert_cmpint (mar_verdict_get_minutes_from_due (v), ==, 60);
  }
}

static void
test_time_dose_already_given (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAdministration *a;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);

  /* Charted against the 08:00 dose by another terminal. */
  a = ward_add_administration (w, "o-vanco", "completed", ward_today (w, 7, 40), ward_today (w, 8, 0));
  g_free (a->source);
  a->source = g_strdup ("https://fhir.example.org");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "DOSE_ALREADY_GIVEN", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (finding_message (v, "DOSE_ALREADY_GIVEN"), ==,
                     "The dose due 08:00 is already charted (given 07:40, charted elsewhere)");
  }

  /* Without a due time: the one nearest its start. In progress counts. */
  a->due_time = MAR_TIME_UNSET;
  g_free (a->status);
  a->status = g_strdup ("in-progress");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "DOSE_ALREADY_GIVEN", MAR_SEVERITY_BLOCK);
  }

  /* Not done (held, refused) and entered in error do not chart it. */
  g_free (a->status);
  a->status = g_strdup ("not-done");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "DOSE_ALREADY_GIVEN");
  }
  g_free (a->status);
  a->status = g_strdup ("entered-in-error");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "DOSE_ALREADY_GIVEN");
  }

  /* Last night's 20:00 dose does not chart this morning's. */
  g_free (a->status);
  a->status = g_strdup ("completed");
  a->start = ward_local (w, 2026, 3, 4, 20, 5, 0);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "DOSE_ALREADY_GIVEN");
  }
}

static void
test_time_missed_dose_does_not_block (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = vanco_order (w, 1);

  /* q6h: 02:00 was missed (nothing charted); 08:00 is given on time. */
  order_set_interval (o, 6, "h", 1);
  o->bounds_start = ward_local (w, 2026, 3, 4, 2, 0, 0);
  ward_add_administration (w, "o-vanco", "completed", ward_local (w, 2026, 3, 4, 20, 0, 0), MAR_TIME_UNSET);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  v = ward_verify (w);
  assert_kind (v, MAR_VERDICT_PASS);
  g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_today (w, 8, 0));
}

static MarOrder *
prn_order (Ward *w)
{
  MarOrder *o = ward_add_order (w, "o-ondansetron", RX_ONDANSETRON, "ondansetron", 4, "mg");

  o->as_needed = TRUE;
  order_set_interval (o, 4, "h", 1);
  return o;
}

static MarProduct *
ondansetron_vial (Ward *w)
{
  MarProduct *p = ward_add_product (w, "ondansetron-4", "00312345000189", "Ondansetron 4 mg/2 mL", 2);

  product_add_ingredient (p->ingredients, RX_ONDANSETRON, "ondansetron", 2, "mg", 1, "mL");
  return p;
}

static void
test_time_prn_too_soon (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAdministration *a;

  prn_order (w);
  ward_scan_product (w, ondansetron_vial (w), NULL);
  a = ward_add_administration (w, "o-ondansetron", "completed", ward_today (w, 5, 50), MAR_TIME_UNSET);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "PRN_TOO_SOON", MAR_SEVERITY_WARN);
    g_assert_cmpstr (finding_message (v, "PRN_TOO_SOON"), ==,
                     "Last dose 2 h 10 min ago (05:50); this as-needed order allows one every 4 h");
    g_assert_true (mar_verdict_is_prn (v));
    g_assert_true (mar_verdict_get_requirements (v) & MAR_REQUIRES_PRN_REASON);
    g_assert_cmpint (mar_verdict_get_due_time (v), ==, MAR_TIME_UNSET);
  }
  a->start = ward_today (w, 4, 0);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "PRN_TOO_SOON");
    assert_kind (v, MAR_VERDICT_PASS);
    g_assert_true (mar_verdict_get_requirements (v) & MAR_REQUIRES_PRN_REASON);
  }
}

static void
test_time_prn_max_exceeded (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = prn_order (w);

  /* At most 3 doses a day (a count), and every 1 h. */
  order_set_interval (o, 1, "h", 1);
  mar_quantity_set (&o->max_dose_per_period.numerator, 3, "{dose}");
  mar_quantity_set (&o->max_dose_per_period.denominator, 1, "d");
  ward_scan_product (w, ondansetron_vial (w), NULL);
  /* The rolling day is (now − 24 h, now]: a dose exactly 24 h ago has left it. */
  ward_add_administration (w, "o-ondansetron", "completed", ward_local (w, 2026, 3, 4, 8, 0, 0), MAR_TIME_UNSET);
  ward_add_administration (w, "o-ondansetron", "completed", ward_local (w, 2026, 3, 4, 8, 30, 0), MAR_TIME_UNSET);
  ward_add_administration (w, "o-ondansetron", "completed", ward_local (w, 2026, 3, 4, 16, 0, 0), MAR_TIME_UNSET);
  {
    g_autoptr(MarVerdict) third = ward_verify (w);
    assert_no_finding (third, "PRN_MAX_EXCEEDED");
  }
  ward_add_administration (w, "o-ondansetron", "completed", ward_today (w, 2, 0), MAR_TIME_UNSET);
  {
    g_autoptr(MarVerdict) fourth = ward_verify (w);
    assert_finding (fourth, "PRN_MAX_EXCEEDED", MAR_SEVERITY_BLOCK);
  }

  /* An amount: at most 16 mg a day. */
  mar_quantity_set (&o->max_dose_per_period.numerator, 16, "mg");
  {
    g_autoptr(MarVerdict) sixteen = ward_verify (w);
    assert_no_finding (sixteen, "PRN_MAX_EXCEEDED");
  }
  mar_quantity_set (&o->max_dose_per_period.numerator, 15, "mg");
  {
    g_autoptr(MarVerdict) over = ward_verify (w);
    assert_finding (over, "PRN_MAX_EXCEEDED", MAR_SEVERITY_BLOCK);
  }
}

static void
test_time_bag_still_infusing (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = ward_add_order (w, "o-saline", RX_SODIUM_CHLORIDE, "sodium chloride 0.9%", 1000, "mL");
  MarAdministration *previous;

  order_set_continuous (o, 125, "mL/h");
  previous = ward_add_administration (w, "o-saline", "in-progress", ward_today (w, 0, 0), MAR_TIME_UNSET);
  previous->bag_id = g_strdup ("0100312345000035" "21OLD");
  ward_scan_product (w, saline_bag (w, 1000), "NEW");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "BAG_STILL_INFUSING", MAR_SEVERITY_BLOCK);
  }
  g_free (previous->status);
  previous->status = g_strdup ("on-hold");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "BAG_STILL_INFUSING", MAR_SEVERITY_BLOCK);
  }
  g_free (previous->status);
  previous->status = g_strdup ("completed");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "BAG_STILL_INFUSING");
    assert_kind (v, MAR_VERDICT_PASS);
    g_assert_cmpint (mar_verdict_get_due_time (v), ==, MAR_TIME_UNSET);
  }
}

/* Patient safety checks ------------------------------------------------- */

static MarProduct *
piptazo_vial (Ward *w)
{
  MarProduct *p = ward_add_product (w, "pip-tazo", "00312345000103", "Piperacillin-tazobactam 3.375 g vial", 0);

  product_add_ingredient (p->ingredients, RX_PIPERACILLIN, "piperacillin", 3, "g", 1, "{vial}");
  product_add_ingredient (p->ingredients, RX_TAZOBACTAM, "tazobactam", 0.375, "g", 1, "{vial}");
  return p;
}

static void
piptazo_order (Ward *w)
{
  MarOrder *o = ward_add_order (w, "o-piptazo", NULL, "piperacillin-tazobactam", 3.375, "g");

  product_add_ingredient (o->ingredients, RX_PIPERACILLIN, "piperacillin", 0, NULL, 0, NULL);
  product_add_ingredient (o->ingredients, RX_TAZOBACTAM, "tazobactam", 0, NULL, 0, NULL);
}

static void
test_safety_allergy (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAllergy *a;

  piptazo_order (w);
  ward_scan_product (w, piptazo_vial (w), NULL);

  /* An ingredient, high criticality: block. */
  a = ward_add_allergy (w, MAR_SYSTEM_RXNORM, RX_PIPERACILLIN, "piperacillin", "high", "medication");
  a->reactions = g_strdup ("anaphylaxis");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (finding_message (v, "ALLERGY"), ==,
                     "Allergy to piperacillin, high criticality; reaction: anaphylaxis: this medication contains "
                     "piperacillin");
  }
  /* Low criticality or unable to assess: warning. */
  g_free (a->criticality);
  a->criticality = g_strdup ("low");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY", MAR_SEVERITY_WARN);
  }
  /* Refuted, entered in error, inactive: not an allergy in force. */
  g_free (a->verification_status);
  a->verification_status = g_strdup ("refuted");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "ALLERGY");
  }
  g_free (a->verification_status);
  a->verification_status = g_strdup ("unconfirmed");
  g_free (a->clinical_status);
  a->clinical_status = g_strdup ("resolved");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "ALLERGY");
  }
}

static void
test_safety_allergy_class (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  piptazo_order (w);
  ward_scan_product (w, piptazo_vial (w), NULL);
  ward_add_allergy (w, MAR_SYSTEM_SNOMED, "373270004", "Penicillin", "high", "medication");
  v = ward_verify (w);
  assert_finding (v, "ALLERGY", MAR_SEVERITY_BLOCK);
  g_assert_nonnull (strstr (finding_message (v, "ALLERGY"), "(Penicillins)"));
}

static void
test_safety_allergy_multi_ingredient_code (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarProduct *tazo = ward_add_product (w, "tazo", "00312345000196", "Tazobactam (test)", 0);

  /* An allergy coded as a combination product (Zosyn's NDC): every one of
   * its ingredients counts, through the library's map. */
  product_add_ingredient (tazo->ingredients, RX_TAZOBACTAM, "tazobactam", 0.5, "g", 1, "{vial}");
  ward_add_order (w, "o-tazo", RX_TAZOBACTAM, "tazobactam", 0.5, "g");
  ward_scan_product (w, tazo, NULL);
  ward_add_allergy (w, MAR_SYSTEM_NDC, "0206-8862-02", "Zosyn", NULL, "medication");
  v = ward_verify (w);
  assert_finding (v, "ALLERGY", MAR_SEVERITY_WARN);
}

static void
test_safety_allergy_policy_warn (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(GBytes) bytes = g_resources_lookup_data (MAR_DRUG_LIBRARY_RESOURCE, 0, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GString) edited = g_string_new (text);
  g_autoptr(GBytes) edited_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarVerdict) v = NULL;

  g_string_replace (edited, "\"allergy_high_criticality\": \"block\"", "\"allergy_high_criticality\": \"warn\"", 1);
  edited_bytes = g_bytes_new (edited->str, edited->len);
  mar_drug_library_unref (w->library);
  w->library = mar_drug_library_new_from_bytes (edited_bytes, &error);
  g_assert_no_error (error);
  w->facts.library = w->library;

  piptazo_order (w);
  ward_scan_product (w, piptazo_vial (w), NULL);
  ward_add_allergy (w, MAR_SYSTEM_RXNORM, RX_PIPERACILLIN, "piperacillin", "high", "medication");
  v = ward_verify (w);
  assert_finding (v, "ALLERGY", MAR_SEVERITY_WARN);
}

static void
test_safety_allergy_unverified (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAllergy *text_only;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  text_only = ward_add_allergy (w, NULL, NULL, "sulfa drugs", "high", "medication");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY_UNVERIFIED", MAR_SEVERITY_WARN);
    g_assert_nonnull (strstr (finding_message (v, "ALLERGY_UNVERIFIED"), "“sulfa drugs”"));
  }
  /* A code the library does not know is no better than text. */
  g_ptr_array_add (text_only->codings, mar_coding_new (MAR_SYSTEM_SNOMED, "91936005", "Allergy to penicillin"));
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY_UNVERIFIED", MAR_SEVERITY_WARN);
  }
}

static void
test_safety_allergy_food (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarProduct *lipid = ward_add_product (w, "lipid", "00312345000202", "Lipid injectable emulsion 20% 250 mL", 250);
  MarOrder *o = ward_add_order (w, "o-lipid", RX_SOYBEAN_OIL, "lipid emulsion", 250, "mL");

  product_add_ingredient (lipid->ingredients, RX_SOYBEAN_OIL, "soybean oil", 20, "g", 100, "mL");
  order_set_interval (o, 1, "d", 1);
  ward_scan_product (w, lipid, NULL);

  /* A food allergy the library does not map: nothing. */
  ward_add_allergy (w, MAR_SYSTEM_SNOMED, "227493005", "Cashew nuts", "high", "food");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "ALLERGY_UNVERIFIED");
    assert_no_finding (v, "ALLERGY");
  }
  /* Egg → lipid emulsion, through the library. */
  ward_add_allergy (w, MAR_SYSTEM_SNOMED, "102263004", "Eggs (edible)", "high", "food");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY", MAR_SEVERITY_BLOCK);
  }
}

static void
test_safety_allergies_not_assessed (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAllergy *removed;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  {
    /* "No known drug allergy" is an assessment. */
    g_autoptr(MarVerdict) nkda = ward_verify (w);
    assert_no_finding (nkda, "ALLERGIES_NOT_ASSESSED");
    assert_no_finding (nkda, "ALLERGY");
  }
  ward_clear_allergies (w);
  removed = ward_add_allergy (w, MAR_SYSTEM_RXNORM, RX_VANCOMYCIN, "vancomycin", "high", "medication");
  g_free (removed->verification_status);
  removed->verification_status = g_strdup ("entered-in-error");
  {
    g_autoptr(MarVerdict) none = ward_verify (w);
    assert_finding (none, "ALLERGIES_NOT_ASSESSED", MAR_SEVERITY_INFO);
    assert_no_finding (none, "ALLERGY");
    assert_kind (none, MAR_VERDICT_PASS);
  }
}

static void
test_safety_bag_already_used (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarAdministration *use = mar_administration_new ();

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), "SER1");
  use->id = g_strdup ("ma-used");
  use->patient_id = g_strdup ("p1");
  use->order_id = g_strdup ("o-vanco");
  use->status = g_strdup ("completed");
  use->start = ward_local (w, 2026, 3, 4, 20, 0, 0);
  use->bag_id = g_strdup ("0100312345000011" "21SER1");
  g_ptr_array_add (w->bag_uses, use);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "BAG_ALREADY_USED", MAR_SEVERITY_BLOCK);
    g_assert_cmpstr (mar_verdict_get_bag_id (v), ==, "0100312345000011" "21SER1");
  }
  g_free (use->patient_id);
  use->patient_id = g_strdup ("p2");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "BAG_ALREADY_USED", MAR_SEVERITY_BLOCK);
    g_assert_nonnull (strstr (finding_message (v, "BAG_ALREADY_USED"), "another patient"));
  }
  /* Not given (refused, held) is not a use. */
  g_free (use->status);
  use->status = g_strdup ("not-done");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "BAG_ALREADY_USED");
  }
  /* No serial, no label: no used-bag check. */
  g_free (use->status);
  use->status = g_strdup ("completed");
  w->facts.product_scan.serial = NULL;
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_no_finding (v, "BAG_ALREADY_USED");
    g_assert_null (mar_verdict_get_bag_id (v));
  }
}

static void
test_safety_rescan_opens_infusion (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = ward_add_order (w, "o-saline", RX_SODIUM_CHLORIDE, "sodium chloride 0.9%", 1000, "mL");
  MarAdministration *running;
  MarAdministration *use = mar_administration_new ();

  order_set_continuous (o, 125, "mL/h");
  running = ward_add_administration (w, "o-saline", "in-progress", ward_today (w, 6, 0), MAR_TIME_UNSET);
  running->bag_id = g_strdup ("RX-0100");
  use->id = g_strdup (running->id);
  use->patient_id = g_strdup ("p1");
  use->order_id = g_strdup ("o-saline");
  use->status = g_strdup ("in-progress");
  use->start = running->start;
  use->bag_id = g_strdup ("RX-0100");
  g_ptr_array_add (w->bag_uses, use);
  ward_scan_label (w, "RX-0100", saline_bag (w, 1000), "o-saline", "p1");
  v = ward_verify (w);
  g_assert_cmpint (mar_verdict_get_outcome (v), ==, MAR_VERDICT_OUTCOME_OPEN_INFUSION);
  g_assert_cmpstr (mar_verdict_get_open_administration_id (v), ==, running->id);
  assert_no_finding (v, "BAG_ALREADY_USED");
  assert_no_finding (v, "BAG_STILL_INFUSING");
  assert_kind (v, MAR_VERDICT_PASS);

  /* A bag that was one of two for its dose does not say so again. */
  mar_quantity_set (&o->dose, 2000, "mL");
  {
    g_autoptr(MarVerdict) half = ward_verify (w);

    g_assert_cmpint (mar_verdict_get_outcome (half), ==, MAR_VERDICT_OUTCOME_OPEN_INFUSION);
    assert_no_finding (half, "DOSE_PARTIAL");
    g_assert_false (mar_verdict_is_partial (half));
  }
}

static void
test_safety_witness_required (void)
{
  g_autoptr(Ward) w = ward_new ();

  heparin_drip_order (w);
  ward_scan_product (w, heparin_bag (w, 25000, 250), NULL);
  {
    g_autoptr(MarVerdict) heparin = ward_verify (w);
    assert_finding (heparin, "WITNESS_REQUIRED", MAR_SEVERITY_INFO);
    g_assert_true (mar_verdict_get_requirements (heparin) & MAR_REQUIRES_WITNESS);
    g_assert_nonnull (strstr (finding_message (heparin, "WITNESS_REQUIRED"), "Heparin"));
    assert_kind (heparin, MAR_VERDICT_PASS);
  }

  /* Vancomycin is not high-alert. */
  {
    g_autoptr(Ward) w2 = ward_new ();
    g_autoptr(MarVerdict) vanco = NULL;

    vanco_order (w2, 1);
    ward_scan_product (w2, vanco_premix (w2, "vanco-1g", 1), NULL);
    vanco = ward_verify (w2);
    assert_no_finding (vanco, "WITNESS_REQUIRED");
    g_assert_false (mar_verdict_get_requirements (vanco) & MAR_REQUIRES_WITNESS);
  }
}

static void
test_safety_witness_potassium_concentration (void)
{
  struct { double meq, ml; gboolean witness; } cases[] = {
    { 20, 100, TRUE },     /* 0.2 mEq/mL */
    { 10, 100, FALSE },    /* 0.1 mEq/mL: not above */
    { 20, 1000, FALSE },   /* 0.02 mEq/mL */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Ward) w = ward_new ();
      g_autoptr(MarVerdict) v = NULL;

      potassium_order (w);
      ward_scan_product (w, potassium_bag (w, "kcl", cases[i].meq, cases[i].ml, RX_SODIUM_CHLORIDE,
                                           "sodium chloride"), NULL);
      v = ward_verify (w);
      if (cases[i].witness)
        assert_finding (v, "WITNESS_REQUIRED", MAR_SEVERITY_INFO);
      else
        assert_no_finding (v, "WITNESS_REQUIRED");
    }
}

static void
test_safety_witness_opioid_infusion (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarProduct *pca = ward_add_product (w, "hydromorphone-bag", "00312345000219", "Hydromorphone 0.2 mg/mL 100 mL", 100);
  MarOrder *o = ward_add_order (w, "o-hydromorphone", RX_HYDROMORPHONE, "hydromorphone", 20, "mg");

  product_add_ingredient (pca->ingredients, RX_HYDROMORPHONE, "hydromorphone", 0.2, "mg", 1, "mL");
  ward_scan_product (w, pca, NULL);
  /* A scheduled or PRN push is not an infusion. */
  {
    g_autoptr(MarVerdict) push = ward_verify (w);
    assert_no_finding (push, "WITNESS_REQUIRED");
  }
  order_set_continuous (o, 0.5, "mg/h");
  {
    g_autoptr(MarVerdict) infusion = ward_verify (w);
    assert_finding (infusion, "WITNESS_REQUIRED", MAR_SEVERITY_INFO);
  }
}

static void
test_safety_cache_stale (void)
{
  g_autoptr(Ward) w = ward_new ();

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->sync_relative = FALSE;
  w->facts.last_sync = w->now - 15 * MIN_S;
  {
    g_autoptr(MarVerdict) at_limit = ward_verify (w);
    assert_no_finding (at_limit, "CACHE_STALE");
  }
  w->facts.last_sync = w->now - 15 * MIN_S - 1;
  {
    g_autoptr(MarVerdict) stale = ward_verify (w);
    assert_finding (stale, "CACHE_STALE", MAR_SEVERITY_WARN);
    assert_kind (stale, MAR_VERDICT_WARN);
  }
  w->facts.last_sync = MAR_TIME_UNSET;
  {
    g_autoptr(MarVerdict) never = ward_verify (w);
    assert_finding (never, "CACHE_STALE", MAR_SEVERITY_WARN);
  }
}

static void
test_safety_clock_skew (void)
{
  g_autoptr(Ward) w = ward_new ();

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->facts.clock_skew = 5 * MIN_S;
  {
    g_autoptr(MarVerdict) at_limit = ward_verify (w);
    assert_no_finding (at_limit, "CLOCK_SKEW");
  }
  w->facts.clock_skew = -(5 * MIN_S + 1);
  {
    g_autoptr(MarVerdict) ahead = ward_verify (w);
    assert_finding (ahead, "CLOCK_SKEW", MAR_SEVERITY_WARN);
  }
  w->facts.clock_skew_known = FALSE;
  w->facts.clock_skew = 3600;
  {
    g_autoptr(MarVerdict) unknown = ward_verify (w);
    assert_no_finding (unknown, "CLOCK_SKEW");
  }
}

static void
test_safety_patient_data_incomplete (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->patient->data_incomplete = TRUE;
  v = ward_verify (w);
  assert_finding (v, "PATIENT_DATA_INCOMPLETE", MAR_SEVERITY_BLOCK);
  assert_no_finding (v, "DATA_REJECTED");
}

static void
test_safety_data_rejected (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->patient->data_rejected = TRUE;
  v = ward_verify (w);
  assert_finding (v, "DATA_REJECTED", MAR_SEVERITY_BLOCK);
}

/* The verdict ------------------------------------------------------------- */

static void
test_verdict_warn_and_block_is_block (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  GPtrArray *findings;

  vanco_order (w, 1);
  ward_scan_product (w, vanco_premix (w, "vanco-1.5g", 1.5), NULL);
  w->now = ward_today (w, 9, 30);  /* late: warn */
  v = ward_verify (w);
  assert_finding (v, "TIME_LATE", MAR_SEVERITY_WARN);
  assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
  assert_kind (v, MAR_VERDICT_BLOCK);
  findings = mar_verdict_get_findings (v);
  /* Worst first. */
  g_assert_cmpint (mar_finding_get_severity (g_ptr_array_index (findings, 0)), ==, MAR_SEVERITY_BLOCK);
  g_assert_cmpint (mar_finding_get_severity (g_ptr_array_index (findings, findings->len - 1)), ==, MAR_SEVERITY_WARN);
}

static void
test_verdict_evaluates_everything (void)
{
  g_autoptr(Ward) w = ward_new ();

  /* An unknown product does not hide the patient's findings... */
  w->patient->data_rejected = TRUE;
  ward_clear_allergies (w);
  ward_add_allergy (w, NULL, NULL, "the blue pills", "high", NULL);
  w->facts.product_scan.kind = MAR_SCAN_KIND_UNKNOWN;
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "PRODUCT_UNKNOWN", MAR_SEVERITY_BLOCK);
    assert_finding (v, "DATA_REJECTED", MAR_SEVERITY_BLOCK);
    assert_finding (v, "ALLERGY_UNVERIFIED", MAR_SEVERITY_WARN);
  }
  /* ...nor an unknown patient the product's. */
  w->patient_known = FALSE;
  ward_scan_product (w, vanco_premix (w, "vanco-1g", 1), NULL);
  w->facts.product_scan.expiry_year = 2026;
  w->facts.product_scan.expiry_month = 1;
  w->facts.product_scan.expiry_day = 31;
  w->sync_relative = FALSE;
  w->facts.last_sync = MAR_TIME_UNSET;
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "PATIENT_UNKNOWN", MAR_SEVERITY_BLOCK);
    assert_finding (v, "PRODUCT_EXPIRED", MAR_SEVERITY_BLOCK);
    assert_finding (v, "CACHE_STALE", MAR_SEVERITY_WARN);
  }
}

static gboolean
verdicts_equal (MarVerdict *a,
                MarVerdict *b)
{
  GPtrArray *fa = mar_verdict_get_findings (a), *fb = mar_verdict_get_findings (b);

  if (mar_verdict_get_kind (a) != mar_verdict_get_kind (b) || fa->len != fb->len ||
      g_strcmp0 (mar_verdict_get_order_id (a), mar_verdict_get_order_id (b)) != 0 ||
      mar_verdict_get_due_time (a) != mar_verdict_get_due_time (b) ||
      mar_verdict_get_requirements (a) != mar_verdict_get_requirements (b))
    return FALSE;
  for (guint i = 0; i < fa->len; i++)
    {
      MarFinding *x = g_ptr_array_index (fa, i), *y = g_ptr_array_index (fb, i);

      if (mar_finding_get_severity (x) != mar_finding_get_severity (y) ||
          mar_finding_get_right (x) != mar_finding_get_right (y) ||
          g_strcmp0 (mar_finding_get_code (x), mar_finding_get_code (y)) != 0 ||
          g_strcmp0 (mar_finding_get_message (x), mar_finding_get_message (y)) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
test_verdict_purity (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) first = NULL;
  g_autoptr(MarVerdict) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  MarAdministration *partial;

  /* A busy case: partial dose, late, an allergy, stale data. */
  vanco_order (w, 1.5);
  partial = ward_add_administration (w, "o-vanco", "completed", ward_today (w, 7, 50), ward_today (w, 8, 0));
  partial->partial = TRUE;
  mar_quantity_set (&partial->dose, 250, "mg");
  ward_add_allergy (w, MAR_SYSTEM_RXNORM, RX_VANCOMYCIN, "vancomycin", "low", "medication");
  ward_scan_product (w, vanco_vial (w, "vial-1000", "00312345000073", 1000), NULL);
  w->now = ward_today (w, 9, 10);
  w->sync_relative = FALSE;
  w->facts.last_sync = w->now - 3600;

  w->facts.now = w->now;  /* what ward_verify hands over */
  before = ward_fingerprint (w);
  first = ward_verify (w);
  second = ward_verify (w);
  after = ward_fingerprint (w);

  g_assert_cmpstr (before, ==, after);
  g_assert_true (verdicts_equal (first, second));
  g_assert_cmpuint (mar_verdict_get_findings (first)->len, >=, 4);
}

static void
test_verdict_strings (void)
{
  g_assert_cmpstr (mar_verdict_kind_to_string (MAR_VERDICT_PASS), ==, "pass");
  g_assert_cmpstr (mar_verdict_kind_to_string (MAR_VERDICT_WARN), ==, "warn");
  g_assert_cmpstr (mar_verdict_kind_to_string (MAR_VERDICT_BLOCK), ==, "block");
  g_assert_cmpstr (mar_severity_to_string (MAR_SEVERITY_INFO), ==, "info");
  g_assert_cmpstr (mar_severity_to_string (MAR_SEVERITY_WARN), ==, "warn");
  g_assert_cmpstr (mar_severity_to_string (MAR_SEVERITY_BLOCK), ==, "block");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_PATIENT), ==, "patient");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_DRUG), ==, "drug");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_DOSE), ==, "dose");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_ROUTE), ==, "route");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_TIME), ==, "time");
  g_assert_cmpstr (mar_right_to_string (MAR_RIGHT_OTHER), ==, "other");
}

static void
test_bag_id (void)
{
  MarScanFact scan = { 0 };
  g_autoptr(MarDispense) dispense = mar_dispense_new ();
  g_autofree char *none = NULL;
  g_autofree char *gs1 = NULL;
  g_autofree char *label = NULL;

  scan.gtin = "00312345000011";
  none = mar_verify_dup_bag_id (&scan, NULL);
  g_assert_null (none);
  scan.serial = "ABC";
  gs1 = mar_verify_dup_bag_id (&scan, NULL);
  g_assert_cmpstr (gs1, ==, "0100312345000011" "21ABC");
  dispense->label = g_strdup ("RX-9");
  label = mar_verify_dup_bag_id (&scan, dispense);
  g_assert_cmpstr (label, ==, "RX-9");
}

/* Data we did not write: HL7 FHIR R4 examples mapped by hand ------------- */

static JsonObject *
load_example (const char *name,
              JsonParser *parser)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "shared", "fhir-r4", "hl7-spec-examples",
                                                 name, NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
first_coding (JsonObject *concept)
{
  return json_array_get_object_element (json_object_get_array_member (concept, "coding"), 0);
}

/* medicationrequest0318: vancomycin 500 mg IV q6h, coded by NDC through a
 * contained Medication, route 255560000. */
static MarOrder *
order_from_0318 (Ward *w)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *rx = load_example ("medicationrequest0318.json", parser);
  JsonObject *med = json_array_get_object_element (json_object_get_array_member (rx, "contained"), 0);
  JsonObject *dosage = json_array_get_object_element (json_object_get_array_member (rx, "dosageInstruction"), 0);
  JsonObject *repeat = json_object_get_object_member (json_object_get_object_member (dosage, "timing"), "repeat");
  JsonObject *route = first_coding (json_object_get_object_member (dosage, "route"));
  JsonObject *dose = json_object_get_object_member (
      json_array_get_object_element (json_object_get_array_member (dosage, "doseAndRate"), 0), "doseQuantity");
  JsonObject *code = first_coding (json_object_get_object_member (med, "code"));
  MarOrder *o = mar_order_new ();

  o->id = g_strdup (json_object_get_string_member (rx, "id"));
  o->status = mar_order_status_from_string (json_object_get_string_member (rx, "status"));
  o->intent = g_strdup (json_object_get_string_member (rx, "intent"));
  o->patient_id = g_strdup ("p1");
  g_assert_true (mar_time_parse_fhir (json_object_get_string_member (rx, "authoredOn"), w->tz, &o->authored_on,
                                      NULL, NULL));
  o->text = g_strdup (json_object_get_string_member (dosage, "text"));
  o->medication_display = g_strdup (json_object_get_string_member (code, "display"));
  g_ptr_array_add (o->medication_codes, mar_coding_new (json_object_get_string_member (code, "system"),
                                                        json_object_get_string_member (code, "code"),
                                                        json_object_get_string_member (code, "display")));
  o->route_system = g_strdup (json_object_get_string_member (route, "system"));
  o->route_code = g_strdup (json_object_get_string_member (route, "code"));
  o->route_display = g_strdup (json_object_get_string_member (route, "display"));
  o->frequency = (int) json_object_get_int_member (repeat, "frequency");
  o->period = json_object_get_double_member (repeat, "period");
  g_strlcpy (o->period_unit, json_object_get_string_member (repeat, "periodUnit"), sizeof o->period_unit);
  mar_quantity_set (&o->dose, json_object_get_double_member (dose, "value"), json_object_get_string_member (dose, "code"));
  g_ptr_array_add (w->orders, o);
  return o;
}

/* medicationexample0301: vancomycin hydrochloride (RxNorm 66955, a salt)
 * 500 mg/10 mL, NDC 0069-2587-10, without a container amount. */
static MarProduct *
product_from_0301 (Ward *w)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *med = load_example ("medicationexample0301.json", parser);
  JsonObject *code = first_coding (json_object_get_object_member (med, "code"));
  JsonObject *form = first_coding (json_object_get_object_member (med, "form"));
  JsonObject *ing = json_array_get_object_element (json_object_get_array_member (med, "ingredient"), 0);
  JsonObject *item = first_coding (json_object_get_object_member (ing, "itemCodeableConcept"));
  JsonObject *strength = json_object_get_object_member (ing, "strength");
  JsonObject *num = json_object_get_object_member (strength, "numerator");
  JsonObject *den = json_object_get_object_member (strength, "denominator");
  MarProduct *p = mar_product_new ();
  MarIngredient *ingredient = mar_ingredient_new ();

  p->id = g_strdup (json_object_get_string_member (med, "id"));
  p->ndc = g_strdup (json_object_get_string_member (code, "code"));
  p->gtin = g_strdup ("00300692587101");  /* derived from the NDC (ndc-gtin-samples.tsv) */
  p->name = g_strdup (json_object_get_string_member (code, "display"));
  g_ptr_array_add (p->codes, mar_coding_new (MAR_SYSTEM_NDC, p->ndc, p->name));
  p->form_system = g_strdup (json_object_get_string_member (form, "system"));
  p->form_code = g_strdup (json_object_get_string_member (form, "code"));
  ingredient->system = g_strdup (json_object_get_string_member (item, "system"));
  ingredient->code = g_strdup (json_object_get_string_member (item, "code"));
  ingredient->display = g_strdup (json_object_get_string_member (item, "display"));
  mar_quantity_set (&ingredient->strength.numerator, json_object_get_double_member (num, "value"),
                    json_object_get_string_member (num, "code"));
  mar_quantity_set (&ingredient->strength.denominator, json_object_get_double_member (den, "value"),
                    json_object_get_string_member (den, "code"));
  g_ptr_array_add (p->ingredients, ingredient);
  g_ptr_array_add (w->products, p);
  return p;
}

static void
test_hl7_vancomycin (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = order_from_0318 (w);
  MarProduct *p = product_from_0301 (w);

  /* authoredOn 2015-01-15 (a date: local midnight), q6h: due 00, 06, 12, 18. */
  w->now = ward_local (w, 2015, 1, 16, 6, 20, 0);
  w->patient->weight_time = w->now - 86400;
  ward_scan_product (w, p, NULL);
  {
    /* As published the vial's volume is not given: the order is found
     * (the NDC and the salt both map to vancomycin) but the dose cannot be
     * checked, and the engine says so. */
    g_autoptr(MarVerdict) v = ward_verify (w);
    g_assert_cmpstr (mar_verdict_get_order_id (v), ==, "medrx0318");
    assert_finding (v, "DOSE_MISMATCH", MAR_SEVERITY_BLOCK);
    g_assert_nonnull (strstr (finding_message (v, "DOSE_MISMATCH"), "cannot be checked"));
    assert_no_finding (v, "ROUTE_MISMATCH");
    assert_no_finding (v, "NO_ACTIVE_ORDER");
    g_assert_cmpint (mar_verdict_get_due_time (v), ==, ward_local (w, 2015, 1, 16, 6, 0, 0));
  }
  /* The 10 mL vial, as the pharmacy's catalog would give it. */
  mar_quantity_set (&p->amount.numerator, 10, "mL");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_kind (v, MAR_VERDICT_PASS);
  }
  /* The order's 12:00 dose, scanned at 13:05: late. */
  w->now = ward_local (w, 2015, 1, 16, 13, 5, 0);
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "TIME_LATE", MAR_SEVERITY_WARN);
  }
  (void) o;
}

/* medicationrequest0319 (Zosyn 4.5 g q6h, completed) with
 * medicationexample0302 (piperacillin sodium 4 g + tazobactam sodium 0.5 g
 * per 20 mL) and the HL7 penicillin G allergy example. */
static void
test_hl7_piperacillin_tazobactam (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(JsonParser) rx_parser = json_parser_new ();
  g_autoptr(JsonParser) med_parser = json_parser_new ();
  g_autoptr(JsonParser) allergy_parser = json_parser_new ();
  JsonObject *rx = load_example ("medicationrequest0319.json", rx_parser);
  JsonObject *med = load_example ("medicationexample0302.json", med_parser);
  JsonObject *allergy_json = load_example ("allergyintolerance-medication.json", allergy_parser);
  JsonObject *contained = json_array_get_object_element (json_object_get_array_member (rx, "contained"), 0);
  JsonObject *code = first_coding (json_object_get_object_member (contained, "code"));
  JsonArray *ingredients = json_object_get_array_member (med, "ingredient");
  JsonObject *allergen = first_coding (json_object_get_object_member (allergy_json, "code"));
  MarOrder *o = ward_add_order (w, json_object_get_string_member (rx, "id"), NULL,
                                json_object_get_string_member (code, "display"), 4.5, "g");
  MarProduct *p = ward_add_product (w, json_object_get_string_member (med, "id"), "00302068862027",
                                    "Zosyn 4.5 g", 20);
  MarAllergy *a;

  o->status = mar_order_status_from_string (json_object_get_string_member (rx, "status"));
  order_set_interval (o, 6, "h", 1);
  o->bounds_start = ward_local (w, 2026, 3, 4, 2, 0, 0);
  g_ptr_array_add (o->medication_codes, mar_coding_new (json_object_get_string_member (code, "system"),
                                                        json_object_get_string_member (code, "code"),
                                                        json_object_get_string_member (code, "display")));
  for (guint i = 0; i < json_array_get_length (ingredients); i++)
    {
      JsonObject *ing = json_array_get_object_element (ingredients, i);
      JsonObject *item = first_coding (json_object_get_object_member (ing, "itemCodeableConcept"));
      JsonObject *strength = json_object_get_object_member (ing, "strength");
      JsonObject *num = json_object_get_object_member (strength, "numerator");
      JsonObject *den = json_object_get_object_member (strength, "denominator");
      MarIngredient *ingredient = product_add_ingredient (p->ingredients, json_object_get_string_member (item, "code"),
                                                          json_object_get_string_member (item, "display"),
                                                          json_object_get_double_member (num, "value"),
                                                          json_object_get_string_member (num, "code"),
                                                          json_object_get_double_member (den, "value"),
                                                          json_object_get_string_member (den, "code"));
      g_assert_cmpstr (ingredient->system, ==, json_object_get_string_member (item, "system"));
    }
  ward_scan_product (w, p, NULL);

  {
    /* The example order is completed. */
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ORDER_EXPIRED", MAR_SEVERITY_BLOCK);
  }
  o->status = MAR_ORDER_STATUS_ACTIVE;
  {
    /* 4 g + 0.5 g = the 4.5 g dose; the salts map to their ingredients. */
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_kind (v, MAR_VERDICT_PASS);
  }
  /* An allergy to penicillin G (high): the penicillin class. */
  a = ward_add_allergy (w, json_object_get_string_member (allergen, "system"),
                        json_object_get_string_member (allergen, "code"),
                        json_object_get_string_member (allergen, "display"),
                        json_object_get_string_member (allergy_json, "criticality"), "medication");
  g_free (a->verification_status);
  a->verification_status = g_strdup ("unconfirmed");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    assert_finding (v, "ALLERGY", MAR_SEVERITY_BLOCK);
  }
}

/* medicationexample0318: parenteral nutrition coded by NDC ingredients, one
 * of which (TPN electrolytes) the library does not map. */
static void
test_hl7_parenteral_nutrition (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *med = load_example ("medicationexample0318.json", parser);
  JsonArray *ingredients = json_object_get_array_member (med, "ingredient");
  MarProduct *p = ward_add_product (w, json_object_get_string_member (med, "id"), "00312345000226", NULL, 0);
  MarOrder *o = ward_add_order (w, "o-pn", NULL, "parenteral nutrition", 1000, "mL");

  g_clear_pointer (&p->name, g_free);
  for (guint i = 0; i < json_array_get_length (ingredients); i++)
    {
      JsonObject *item = first_coding (json_object_get_object_member (json_array_get_object_element (ingredients, i),
                                                                      "itemCodeableConcept"));
      MarIngredient *ing = mar_ingredient_new ();

      ing->system = g_strdup (json_object_get_string_member (item, "system"));
      ing->code = g_strdup (json_object_get_string_member (item, "code"));
      ing->display = g_strdup (json_object_get_string_member (item, "display"));
      g_ptr_array_add (p->ingredients, ing);
    }
  product_add_ingredient (o->ingredients, "1223", "amino acids", 0, NULL, 0, NULL);
  product_add_ingredient (o->ingredients, RX_GLUCOSE, "glucose", 0, NULL, 0, NULL);
  product_add_ingredient (o->ingredients, RX_SOYBEAN_OIL, "soybean oil", 0, NULL, 0, NULL);
  order_set_interval (o, 1, "d", 1);
  ward_scan_product (w, p, NULL);
  ward_add_allergy (w, MAR_SYSTEM_SNOMED, "256355007", "Soya bean", "high", "food");
  {
    g_autoptr(MarVerdict) v = ward_verify (w);
    /* Not matched blindly: part of the product is unknown. */
    assert_finding (v, "NO_ACTIVE_ORDER", MAR_SEVERITY_BLOCK);
    g_assert_nonnull (strstr (finding_message (v, "NO_ACTIVE_ORDER"), "does not say what this product contains"));
    /* But what is known is still checked: soybean oil and a soy allergy. */
    assert_finding (v, "ALLERGY", MAR_SEVERITY_BLOCK);
  }
}

/* medicationrequest0315: lorazepam coded by a SNOMED product and substance:
 * the order cannot be mapped, and says so. */
static void
test_hl7_lorazepam_unmapped (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *rx = load_example ("medicationrequest0315.json", parser);
  JsonObject *med = json_array_get_object_element (json_object_get_array_member (rx, "contained"), 0);
  JsonObject *code = first_coding (json_object_get_object_member (med, "code"));
  JsonObject *ing = json_array_get_object_element (json_object_get_array_member (med, "ingredient"), 0);
  JsonObject *item = first_coding (json_object_get_object_member (ing, "itemCodeableConcept"));
  MarOrder *o = ward_add_order (w, json_object_get_string_member (rx, "id"), NULL,
                                json_object_get_string_member (code, "display"), 0.05, "mg/kg");
  MarIngredient *ingredient = mar_ingredient_new ();
  g_autoptr(MarVerdict) v = NULL;

  o->as_needed = TRUE;
  g_ptr_array_add (o->medication_codes, mar_coding_new (json_object_get_string_member (code, "system"),
                                                        json_object_get_string_member (code, "code"),
                                                        json_object_get_string_member (code, "display")));
  ingredient->system = g_strdup (json_object_get_string_member (item, "system"));
  ingredient->code = g_strdup (json_object_get_string_member (item, "code"));
  ingredient->display = g_strdup (json_object_get_string_member (item, "display"));
  g_ptr_array_add (o->ingredients, ingredient);
  ward_scan_product (w, saline_bag (w, 1000), NULL);
  v = ward_verify (w);
  assert_finding (v, "ORDER_UNMAPPED", MAR_SEVERITY_BLOCK);
  g_assert_nonnull (strstr (finding_message (v, "ORDER_UNMAPPED"), "Lorazepam 2mg/ml injection solution"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/verify/pass", test_pass);

  g_test_add_func ("/core/verify/scan/barcode-invalid", test_scan_barcode_invalid);
  g_test_add_func ("/core/verify/scan/wrong-barcode-kind", test_scan_wrong_barcode_kind);
  g_test_add_func ("/core/verify/scan/patient-unknown", test_scan_patient_unknown);
  g_test_add_func ("/core/verify/scan/patient-mismatch", test_scan_patient_mismatch);
  g_test_add_func ("/core/verify/scan/product-unknown", test_scan_product_unknown);
  g_test_add_func ("/core/verify/scan/product-expired", test_scan_product_expired);

  g_test_add_func ("/core/verify/order/premix-matches", test_order_premix_matches);
  g_test_add_func ("/core/verify/order/no-active-order", test_order_no_active_order);
  g_test_add_func ("/core/verify/order/named-diluent", test_order_named_diluent);
  g_test_add_func ("/core/verify/order/unmapped", test_order_unmapped);
  g_test_add_func ("/core/verify/order/code-map", test_order_code_map);
  g_test_add_func ("/core/verify/order/label-finds-its-order", test_order_label_finds_its_order);
  g_test_add_func ("/core/verify/order/on-hold", test_order_on_hold);
  g_test_add_func ("/core/verify/order/discontinued", test_order_discontinued);
  g_test_add_func ("/core/verify/order/active-beats-held", test_order_active_beats_held);
  g_test_add_func ("/core/verify/order/nearest-due-wins", test_order_nearest_due_wins);
  g_test_add_func ("/core/verify/order/intent-ignored", test_order_intent_ignored);
  g_test_add_func ("/core/verify/order/expired", test_order_expired);
  g_test_add_func ("/core/verify/order/not-started", test_order_not_started);
  g_test_add_func ("/core/verify/order/incomplete", test_order_incomplete);

  g_test_add_func ("/core/verify/dose/unit-conversion", test_dose_unit_conversion);
  g_test_add_func ("/core/verify/dose/mismatch", test_dose_mismatch);
  g_test_add_func ("/core/verify/dose/partial", test_dose_partial);
  g_test_add_func ("/core/verify/dose/partial-adds-up", test_dose_partial_adds_up);
  g_test_add_func ("/core/verify/dose/partial-exceeds", test_dose_partial_exceeds);
  g_test_add_func ("/core/verify/dose/partial-second-of-three", test_dose_partial_second_of_three);
  g_test_add_func ("/core/verify/dose/volume", test_dose_volume);
  g_test_add_func ("/core/verify/dose/combination-sum", test_dose_combination_sum);
  g_test_add_func ("/core/verify/dose/per-kg", test_dose_per_kg);
  g_test_add_func ("/core/verify/dose/range", test_dose_range);
  g_test_add_func ("/core/verify/dose/units-and-meq", test_dose_units_and_meq);
  g_test_add_func ("/core/verify/dose/concentration-continuous", test_dose_concentration_continuous);
  g_test_add_func ("/core/verify/dose/strength-unknown", test_dose_strength_unknown);
  g_test_add_func ("/core/verify/dose/weight-missing", test_dose_weight_missing);
  g_test_add_func ("/core/verify/dose/weight-missing-rate", test_weight_missing_rate);

  g_test_add_func ("/core/verify/route/mismatch", test_route_mismatch);
  g_test_add_func ("/core/verify/route/product-form", test_route_product_form);

  g_test_add_func ("/core/verify/time/early", test_time_early);
  g_test_add_func ("/core/verify/time/late", test_time_late);
  g_test_add_func ("/core/verify/time/window-edges", test_time_window_edges);
  g_test_add_func ("/core/verify/time/stat", test_time_stat);
  g_test_add_func ("/core/verify/time/one-time-scheduled", test_time_one_time_scheduled);
  g_test_add_func ("/core/verify/time/dst-spring", test_time_dst_spring);
  g_test_add_func ("/core/verify/time/dst-fall", test_time_dst_fall);
  g_test_add_func ("/core/verify/time/dose-already-given", test_time_dose_already_given);
  g_test_add_func ("/core/verify/time/missed-dose-does-not-block", test_time_missed_dose_does_not_block);
  g_test_add_func ("/core/verify/time/prn-too-soon", test_time_prn_too_soon);
  g_test_add_func ("/core/verify/time/prn-max-exceeded", test_time_prn_max_exceeded);
  g_test_add_func ("/core/verify/time/bag-still-infusing", test_time_bag_still_infusing);

  g_test_add_func ("/core/verify/safety/allergy", test_safety_allergy);
  g_test_add_func ("/core/verify/safety/allergy-class", test_safety_allergy_class);
  g_test_add_func ("/core/verify/safety/allergy-multi-ingredient-code", test_safety_allergy_multi_ingredient_code);
  g_test_add_func ("/core/verify/safety/allergy-policy-warn", test_safety_allergy_policy_warn);
  g_test_add_func ("/core/verify/safety/allergy-unverified", test_safety_allergy_unverified);
  g_test_add_func ("/core/verify/safety/allergy-food", test_safety_allergy_food);
  g_test_add_func ("/core/verify/safety/allergies-not-assessed", test_safety_allergies_not_assessed);
  g_test_add_func ("/core/verify/safety/bag-already-used", test_safety_bag_already_used);
  g_test_add_func ("/core/verify/safety/rescan-opens-infusion", test_safety_rescan_opens_infusion);
  g_test_add_func ("/core/verify/safety/witness-required", test_safety_witness_required);
  g_test_add_func ("/core/verify/safety/witness-potassium-concentration", test_safety_witness_potassium_concentration);
  g_test_add_func ("/core/verify/safety/witness-opioid-infusion", test_safety_witness_opioid_infusion);
  g_test_add_func ("/core/verify/safety/cache-stale", test_safety_cache_stale);
  g_test_add_func ("/core/verify/safety/clock-skew", test_safety_clock_skew);
  g_test_add_func ("/core/verify/safety/patient-data-incomplete", test_safety_patient_data_incomplete);
  g_test_add_func ("/core/verify/safety/data-rejected", test_safety_data_rejected);

  g_test_add_func ("/core/verify/verdict/warn-and-block-is-block", test_verdict_warn_and_block_is_block);
  g_test_add_func ("/core/verify/verdict/evaluates-everything", test_verdict_evaluates_everything);
  g_test_add_func ("/core/verify/verdict/purity", test_verdict_purity);
  g_test_add_func ("/core/verify/verdict/strings", test_verdict_strings);
  g_test_add_func ("/core/verify/verdict/bag-id", test_bag_id);

  g_test_add_func ("/core/verify/hl7/vancomycin", test_hl7_vancomycin);
  g_test_add_func ("/core/verify/hl7/piperacillin-tazobactam", test_hl7_piperacillin_tazobactam);
  g_test_add_func ("/core/verify/hl7/parenteral-nutrition", test_hl7_parenteral_nutrition);
  g_test_add_func ("/core/verify/hl7/lorazepam-unmapped", test_hl7_lorazepam_unmapped);

  return g_test_run ();
}
