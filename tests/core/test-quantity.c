/* test-quantity.c — UCUM units of IV therapy
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mar-quantity.h"

static MarUnit
parse_ok (const char *ucum)
{
  MarUnit unit;

  if (!mar_unit_parse (ucum, &unit))
    g_error ("\"%s\" does not parse", ucum);
  return unit;
}

static double
convert (double      value,
         const char *from,
         const char *to)
{
  MarQuantity q = { 0 };
  double out = -1;

  mar_quantity_set (&q, value, from);
  if (!mar_quantity_convert (&q, to, &out))
    g_error ("%g %s does not convert to %s", value, from, to);
  return out;
}

static void
test_parse_dimensions (void)
{
  struct { const char *ucum; MarDimension dimension; double factor; } cases[] = {
    { "kg", MAR_DIMENSION_MASS, 1000 },
    { "g", MAR_DIMENSION_MASS, 1 },
    { "mg", MAR_DIMENSION_MASS, 1e-3 },
    { "ug", MAR_DIMENSION_MASS, 1e-6 },
    { "mcg", MAR_DIMENSION_MASS, 1e-6 },
    { "ng", MAR_DIMENSION_MASS, 1e-9 },
    { "L", MAR_DIMENSION_VOLUME, 1000 },
    { "dL", MAR_DIMENSION_VOLUME, 100 },
    { "mL", MAR_DIMENSION_VOLUME, 1 },
    { "ml", MAR_DIMENSION_VOLUME, 1 },
    { "[iU]", MAR_DIMENSION_UNITS, 1 },
    { "[IU]", MAR_DIMENSION_UNITS, 1 },
    { "U", MAR_DIMENSION_UNITS, 1 },
    { "unit", MAR_DIMENSION_UNITS, 1 },
    { "units", MAR_DIMENSION_UNITS, 1 },
    { "meq", MAR_DIMENSION_EQUIVALENTS, 1 },
    { "mEq", MAR_DIMENSION_EQUIVALENTS, 1 },
    { "mmol", MAR_DIMENSION_SUBSTANCE, 1 },
    { "min", MAR_DIMENSION_TIME, 60 },
    { "h", MAR_DIMENSION_TIME, 3600 },
    { "", MAR_DIMENSION_COUNT, 1 },
    { "1", MAR_DIMENSION_COUNT, 1 },
    { "{vial}", MAR_DIMENSION_COUNT, 1 },
    { " mL ", MAR_DIMENSION_VOLUME, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MarUnit unit = parse_ok (cases[i].ucum);

      g_assert_cmpint (unit.dimension, ==, cases[i].dimension);
      g_assert_cmpfloat_with_epsilon (unit.factor, cases[i].factor, cases[i].factor * 1e-12);
      g_assert_false (unit.per_kg);
      g_assert_cmpfloat (unit.per_time, ==, 0);
      g_assert_cmpfloat (unit.per_volume, ==, 0);
    }
}

static void
test_parse_rates (void)
{
  MarUnit unit;

  unit = parse_ok ("mL/h");
  g_assert_cmpint (unit.dimension, ==, MAR_DIMENSION_VOLUME);
  g_assert_cmpfloat (unit.per_time, ==, 3600);
  g_assert_true (mar_unit_is_rate (&unit));

  unit = parse_ok ("ug/kg/min");
  g_assert_cmpint (unit.dimension, ==, MAR_DIMENSION_MASS);
  g_assert_true (unit.per_kg);
  g_assert_cmpfloat (unit.per_time, ==, 60);

  /* UCUM's other spelling of the same unit. */
  unit = parse_ok ("ug.kg-1.min-1");
  g_assert_true (unit.per_kg);
  g_assert_cmpfloat (unit.per_time, ==, 60);

  unit = parse_ok ("[iU]/kg/h");
  g_assert_cmpint (unit.dimension, ==, MAR_DIMENSION_UNITS);
  g_assert_true (unit.per_kg);

  unit = parse_ok ("meq/d");
  g_assert_cmpfloat (unit.per_time, ==, 86400);

  unit = parse_ok ("mg/s");
  g_assert_cmpfloat (unit.per_time, ==, 1);

  unit = parse_ok ("/h");
  g_assert_cmpint (unit.dimension, ==, MAR_DIMENSION_COUNT);
  g_assert_cmpfloat (unit.per_time, ==, 3600);

  unit = parse_ok ("meq/mL");
  g_assert_cmpfloat (unit.per_volume, ==, 1);
  g_assert_false (mar_unit_is_rate (&unit));

  unit = parse_ok ("mg/kg");
  g_assert_true (unit.per_kg);
  g_assert_false (mar_unit_is_rate (&unit));
}

static void
test_parse_rejects (void)
{
  const char *bad[] = {
    "furlong", "mg/", "/", "mg//h", "mg/kg/kg", "mg/h/min", "mg.g", "mg/g",
    "m2", "mg/m2", "10*3", "[iU", "{vial", "mL/mL", "h/min", "mg2", "mg-1",
    "mg h", "%",
  };
  MarUnit unit;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (mar_unit_parse (bad[i], &unit))
      g_error ("\"%s\" should not parse", bad[i]);
  g_assert_false (mar_unit_parse (NULL, &unit));
}

static void
test_convert (void)
{
  g_assert_cmpfloat_with_epsilon (convert (1.5, "g", "mg"), 1500, 1e-9);
  g_assert_cmpfloat_with_epsilon (convert (500, "mg", "g"), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (250, "ug", "mg"), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (1, "L", "mL"), 1000, 1e-9);
  g_assert_cmpfloat_with_epsilon (convert (25000, "[iU]", "U"), 25000, 1e-9);
  g_assert_cmpfloat_with_epsilon (convert (20, "mEq", "meq"), 20, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (100, "mL/h", "mL/min"), 100.0 / 60, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (2, "ug/kg/min", "mg/kg/h"), 0.12, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (24, "meq/d", "meq/h"), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (convert (0.2, "meq/mL", "meq/L"), 200, 1e-9);
}

static void
test_incompatible (void)
{
  struct { const char *a, *b; } pairs[] = {
    { "mg", "mL" }, { "mg", "[iU]" }, { "meq", "mmol" }, { "mg", "mg/kg" },
    { "mL/h", "mL" }, { "mg/h", "mL/h" }, { "[iU]/kg/h", "[iU]/h" }, { "mg/mL", "mg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      MarUnit a = parse_ok (pairs[i].a), b = parse_ok (pairs[i].b);
      MarQuantity q = { 0 };

      g_assert_false (mar_unit_is_compatible (&a, &b));
      mar_quantity_set (&q, 1, pairs[i].a);
      g_assert_false (mar_quantity_convert (&q, pairs[i].b, NULL));
    }
}

static void
test_compare (void)
{
  g_assert_true (mar_quantity_values_equal (0.1 + 0.2, 0.3));
  g_assert_true (mar_quantity_values_equal (3.0 + 0.375, 3.375));
  g_assert_true (mar_quantity_values_equal (0, 0));
  g_assert_cmpint (mar_quantity_compare_values (1.0, 1.0001), ==, -1);
  g_assert_cmpint (mar_quantity_compare_values (1.0001, 1.0), ==, 1);
  g_assert_cmpint (mar_quantity_compare_values (1500 * 1e-3, 1.5), ==, 0);
}

static void
test_format (void)
{
  struct { double value; const char *unit; const char *expected; } cases[] = {
    { 1.5, "g", "1.5 g" },
    { 1, "g", "1 g" },
    { 0.5, "mg", "0.5 mg" },
    { 3.375, "g", "3.375 g" },
    { 12, "[iU]/kg/h", "12 units/kg/h" },
    { 100, "mL/h", "100 mL/h" },
    { 25000, "[iU]", "25,000 units" },
    { 1000, "mL", "1,000 mL" },
    { 2, "ug/kg/min", "2 mcg/kg/min" },
    { 0.1 + 0.2, "meq/mL", "0.3 mEq/mL" },
    { 13.2125, "mL/h", "13.2125 mL/h" },
    { 20, "meq", "20 mEq" },
    { 1, "[iU]/mL", "1 unit/mL" },
    { 1.5, "U", "1.5 units" },
    { 4, "", "4" },
    { 7, "furlong", "7 furlong" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = mar_quantity_format (cases[i].value, cases[i].unit);
      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

static void
test_format_base (void)
{
  MarUnit mass = parse_ok ("mg");
  MarUnit rate = parse_ok ("ug/kg/min");
  MarUnit units = parse_ok ("U");
  g_autofree char *a = mar_quantity_format_base (1.5, &mass);
  g_autofree char *b = mar_quantity_format_base (0.5, &mass);
  g_autofree char *c = mar_quantity_format_base (0.000250, &mass);
  g_autofree char *d = mar_quantity_format_base (mar_unit_to_base (&rate, 2), &rate);
  g_autofree char *e = mar_quantity_format_base (5000, &units);

  g_assert_cmpstr (a, ==, "1.5 g");
  g_assert_cmpstr (b, ==, "500 mg");
  g_assert_cmpstr (c, ==, "250 mcg");
  g_assert_cmpstr (d, ==, "2 mcg/kg/min");
  g_assert_cmpstr (e, ==, "5,000 units");
}

static void
test_format_value_no_locale (void)
{
  g_autofree char *a = mar_quantity_format_value (-0.0);
  g_autofree char *b = mar_quantity_format_value (1234567.5);
  g_autofree char *c = mar_quantity_format_value (0.000125);

  g_assert_cmpstr (a, ==, "0");
  g_assert_cmpstr (b, ==, "1,234,568");
  g_assert_cmpstr (c, ==, "0.000125");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/quantity/parse/dimensions", test_parse_dimensions);
  g_test_add_func ("/core/quantity/parse/rates", test_parse_rates);
  g_test_add_func ("/core/quantity/parse/rejects", test_parse_rejects);
  g_test_add_func ("/core/quantity/convert", test_convert);
  g_test_add_func ("/core/quantity/incompatible", test_incompatible);
  g_test_add_func ("/core/quantity/compare", test_compare);
  g_test_add_func ("/core/quantity/format", test_format);
  g_test_add_func ("/core/quantity/format-base", test_format_base);
  g_test_add_func ("/core/quantity/format-value", test_format_value_no_locale);

  return g_test_run ();
}
