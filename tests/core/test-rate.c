/* test-rate.c — the rate check at start and rate change (RULES.md, Dose, route, rate)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "ward.h"

static MarVerdict *
check_rate (Ward           *w,
            const MarOrder *order,
            const MarProduct *product,
            double          rate)
{
  MarRateFacts facts = {
    .now = w->now,
    .library = w->library,
    .patient = w->patient,
    .order = order,
    .product = product,
    .rate_ml_per_h = rate,
  };
  MarVerdict *verdict = mar_verify_rate (&facts);

  if (g_test_verbose ())
    dump_verdict (verdict);
  g_assert_cmpstr (mar_verdict_get_order_id (verdict), ==, order->id);
  return verdict;
}

static MarOrder *
saline_drip (Ward *w)
{
  MarOrder *o = ward_add_order (w, "o-saline", RX_SODIUM_CHLORIDE, "sodium chloride 0.9%", 1000, "mL");

  order_set_continuous (o, 125, "mL/h");
  return o;
}

static MarProduct *
saline (Ward *w)
{
  MarProduct *p = ward_add_product (w, "saline-1000", "00312345000035", "0.9% sodium chloride 1000 mL", 1000);

  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  return p;
}

static MarProduct *
heparin (Ward  *w,
         double units,
         double ml)
{
  MarProduct *p = ward_add_product (w, "heparin", "00312345000059", "Heparin in 0.45% NaCl", ml);

  product_add_ingredient (p->ingredients, RX_HEPARIN, "heparin", units, "[iU]", ml, "mL");
  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.45, "g", 100, "mL");
  return p;
}

static MarOrder *
heparin_drip (Ward  *w,
              double units_per_kg_h)
{
  MarOrder *o = ward_add_order (w, "o-heparin", RX_HEPARIN, "heparin", 0, NULL);

  order_set_continuous (o, units_per_kg_h, "[iU]/kg/h");
  return o;
}

static void
test_rate_match (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  double low, high;

  v = check_rate (w, saline_drip (w), saline (w), 125);
  g_assert_cmpint (mar_verdict_get_kind (v), ==, MAR_VERDICT_PASS);
  g_assert_true (mar_verdict_get_ordered_rate (v, &low, &high));
  g_assert_cmpfloat_with_epsilon (low, 125, 1e-9);
  g_assert_cmpfloat_with_epsilon (high, 125, 1e-9);
}

static void
test_rate_mismatch (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;

  v = check_rate (w, saline_drip (w), saline (w), 150);
  assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
  g_assert_cmpstr (finding_message (v, "RATE_MISMATCH"), ==, "Rate 150 mL/h — ordered 125 mL/h");
  g_assert_cmpint (mar_verdict_get_kind (v), ==, MAR_VERDICT_WARN);
  g_assert_true (mar_verdict_get_requirements (v) & MAR_REQUIRES_REASON);
}

static void
test_rate_range (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = saline_drip (w);
  MarProduct *p = saline (w);
  struct { double rate; gboolean mismatch; } cases[] = {
    { 100, FALSE }, { 150, FALSE }, { 125, FALSE }, { 150.1, TRUE }, { 99.9, TRUE },
  };

  mar_quantity_set (&o->rate, 100, "mL/h");
  mar_quantity_set (&o->rate_high, 150, "mL/h");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MarVerdict) v = check_rate (w, o, p, cases[i].rate);

      if (cases[i].mismatch)
        {
          assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
          g_assert_nonnull (strstr (finding_message (v, "RATE_MISMATCH"), "ordered 100–150 mL/h"));
        }
      else
        assert_no_finding (v, "RATE_MISMATCH");
    }
}

static void
test_rate_dose_rate (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = ward_add_order (w, "o-insulin", RX_INSULIN, "insulin", 0, NULL);
  MarProduct *p = ward_add_product (w, "insulin-drip", "00312345000240", "Insulin regular 100 units/100 mL", 100);

  /* 5 units/h at 1 unit/mL is 5 mL/h. */
  order_set_continuous (o, 5, "[iU]/h");
  product_add_ingredient (p->ingredients, RX_INSULIN, "insulin regular", 100, "[iU]", 100, "mL");
  product_add_ingredient (p->ingredients, RX_SODIUM_CHLORIDE, "sodium chloride", 0.9, "g", 100, "mL");
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 5);
    assert_no_finding (v, "RATE_MISMATCH");
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 6);
    assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
    g_assert_cmpstr (finding_message (v, "RATE_MISMATCH"), ==,
                     "Rate 6 mL/h — ordered 5 mL/h (5 units/h at 1 unit/mL)");
  }
}

static void
test_rate_dose_rate_per_kg (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip (w, 18);
  MarProduct *p = heparin (w, 25000, 250);
  MarOrder *ketamine = ward_add_order (w, "o-ketamine", "6130", "ketamine", 0, NULL);
  MarProduct *k = ward_add_product (w, "ketamine", "00312345000257", "Ketamine 100 mg/100 mL", 100);

  /* 18 units/kg/h × 70 kg ÷ 100 units/mL = 12.6 mL/h. */
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 12.6);
    assert_no_finding (v, "RATE_MISMATCH");
    g_assert_cmpint (mar_verdict_get_kind (v), ==, MAR_VERDICT_PASS);
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 18);
    assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
    g_assert_cmpstr (finding_message (v, "RATE_MISMATCH"), ==,
                     "Rate 18 mL/h — ordered 12.6 mL/h (18 units/kg/h for 70 kg at 100 units/mL)");
  }

  /* mg/kg/h: 0.2 × 70 = 14 mg/h at 1 mg/mL. */
  order_set_continuous (ketamine, 0.2, "mg/kg/h");
  product_add_ingredient (k->ingredients, "6130", "ketamine", 100, "mg", 100, "mL");
  {
    g_autoptr(MarVerdict) v = check_rate (w, ketamine, k, 14);
    assert_no_finding (v, "RATE_MISMATCH");
  }
}

static void
test_rate_dose_over_duration (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = ward_add_order (w, "o-vanco", RX_VANCOMYCIN, "vancomycin", 1, "g");
  MarProduct *p = ward_add_product (w, "vanco", "00312345000011", "Vancomycin 1 g/250 mL", 250);

  product_add_ingredient (p->ingredients, RX_VANCOMYCIN, "vancomycin", 1, "g", 250, "mL");
  /* repeat.duration: 1 g (250 mL) over 2 h = 125 mL/h. */
  o->duration = 2;
  g_strlcpy (o->duration_unit, "h", sizeof o->duration_unit);
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 125);
    assert_no_finding (v, "RATE_MISMATCH");
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 250);
    assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
    g_assert_cmpstr (finding_message (v, "RATE_MISMATCH"), ==, "Rate 250 mL/h — ordered 125 mL/h (250 mL over 2 h)");
  }

  /* A rate given as a duration range ("over 90 to 120 min", as HL7's
   * medicationrequest0315 does): 125 to 166.67 mL/h. */
  o->duration = 0;
  mar_quantity_set (&o->rate, 90, "min");
  mar_quantity_set (&o->rate_high, 120, "min");
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 150);
    assert_no_finding (v, "RATE_MISMATCH");
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 170);
    assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
  }
}

static void
test_rate_above_hard_limit (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip (w, 18);
  MarProduct *p = heparin (w, 25000, 250);

  /* Hard limit 40 units/kg/h: 28 mL/h for 70 kg at 100 units/mL. */
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 28);
    assert_no_finding (v, "RATE_ABOVE_HARD_LIMIT");
    assert_finding (v, "RATE_ABOVE_SOFT_LIMIT", MAR_SEVERITY_WARN);
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 28.1);
    assert_finding (v, "RATE_ABOVE_HARD_LIMIT", MAR_SEVERITY_BLOCK);
    assert_no_finding (v, "RATE_ABOVE_SOFT_LIMIT");
    g_assert_cmpint (mar_verdict_get_kind (v), ==, MAR_VERDICT_BLOCK);
    g_assert_cmpstr (finding_message (v, "RATE_ABOVE_HARD_LIMIT"), ==,
                     "Heparin 40.1429 units/kg/h at this rate — above the hard limit of 40 units/kg/h");
  }
}

static void
test_rate_above_soft_limit (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip (w, 25);
  MarProduct *p = heparin (w, 25000, 250);

  /* Soft limit 25 units/kg/h: 17.5 mL/h. */
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 17.5);
    assert_no_finding (v, "RATE_ABOVE_SOFT_LIMIT");
    g_assert_cmpint (mar_verdict_get_kind (v), ==, MAR_VERDICT_PASS);
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 17.6);
    assert_finding (v, "RATE_ABOVE_SOFT_LIMIT", MAR_SEVERITY_WARN);
  }
}

static void
test_rate_below_soft_limit (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip (w, 5);
  MarProduct *p = heparin (w, 25000, 250);

  /* Soft low 5 units/kg/h: 3.5 mL/h. */
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 3.5);
    assert_no_finding (v, "RATE_BELOW_SOFT_LIMIT");
  }
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 3.4);
    assert_finding (v, "RATE_BELOW_SOFT_LIMIT", MAR_SEVERITY_WARN);
  }
}

static void
test_rate_weight_missing (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = heparin_drip (w, 18);
  MarProduct *p = heparin (w, 25000, 250);

  w->patient->weight_time = w->now - 31 * 86400;
  v = check_rate (w, o, p, 12.6);
  assert_finding (v, "WEIGHT_MISSING", MAR_SEVERITY_BLOCK);
  g_assert_cmpuint (mar_verdict_get_findings (v)->len, ==, 1);
  g_assert_false (mar_verdict_get_ordered_rate (v, NULL, NULL));
}

static void
test_rate_concentration_unknown (void)
{
  g_autoptr(Ward) w = ward_new ();
  g_autoptr(MarVerdict) v = NULL;
  MarOrder *o = ward_add_order (w, "o-insulin", RX_INSULIN, "insulin", 0, NULL);
  MarProduct *p = ward_add_product (w, "insulin-drip", "00312345000240", "Insulin drip", 100);

  order_set_continuous (o, 5, "[iU]/h");
  product_add_ingredient (p->ingredients, RX_INSULIN, "insulin regular", 0, NULL, 0, NULL);
  v = check_rate (w, o, p, 5);
  assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
  g_assert_nonnull (strstr (finding_message (v, "RATE_MISMATCH"), "concentration is not known"));
}

static void
test_rate_tolerance (void)
{
  g_autoptr(Ward) w = ward_new ();
  MarOrder *o = heparin_drip (w, 18);
  MarProduct *p = heparin (w, 25000, 250);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (MAR_DRUG_LIBRARY_RESOURCE, 0, NULL);
  g_autoptr(GString) edited = g_string_new_len (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
  g_autoptr(GBytes) edited_bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* 18 × 73.4 ÷ 100 = 13.212 mL/h, which a 0.1 mL/h pump cannot be set
   * to: strict by default, IT may allow the pump's step. */
  mar_quantity_set (&w->patient->weight, 73.4, "kg");
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 13.2);
    assert_finding (v, "RATE_MISMATCH", MAR_SEVERITY_WARN);
  }
  g_string_replace (edited, "\"rate_tolerance_ml_per_h\": 0", "\"rate_tolerance_ml_per_h\": 0.05", 1);
  edited_bytes = g_bytes_new (edited->str, edited->len);
  mar_drug_library_unref (w->library);
  w->library = mar_drug_library_new_from_bytes (edited_bytes, &error);
  g_assert_no_error (error);
  w->facts.library = w->library;
  {
    g_autoptr(MarVerdict) v = check_rate (w, o, p, 13.2);
    assert_no_finding (v, "RATE_MISMATCH");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/rate/match", test_rate_match);
  g_test_add_func ("/core/rate/mismatch", test_rate_mismatch);
  g_test_add_func ("/core/rate/range", test_rate_range);
  g_test_add_func ("/core/rate/dose-rate", test_rate_dose_rate);
  g_test_add_func ("/core/rate/dose-rate-per-kg", test_rate_dose_rate_per_kg);
  g_test_add_func ("/core/rate/dose-over-duration", test_rate_dose_over_duration);
  g_test_add_func ("/core/rate/above-hard-limit", test_rate_above_hard_limit);
  g_test_add_func ("/core/rate/above-soft-limit", test_rate_above_soft_limit);
  g_test_add_func ("/core/rate/below-soft-limit", test_rate_below_soft_limit);
  g_test_add_func ("/core/rate/weight-missing", test_rate_weight_missing);
  g_test_add_func ("/core/rate/concentration-unknown", test_rate_concentration_unknown);
  g_test_add_func ("/core/rate/tolerance", test_rate_tolerance);

  return g_test_run ();
}
