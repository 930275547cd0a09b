/* test-time.c — FHIR dates and local wall-clock rules (RULES.md, Time)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mar-time.h"

static GTimeZone *
new_york (void)
{
  GTimeZone *tz = g_time_zone_new_identifier ("America/New_York");

  g_assert_nonnull (tz);
  return tz;
}

static void
test_parse_fhir_forms (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  gint64 start, end;
  MarTimePrecision p;

  g_assert_true (mar_time_parse_fhir ("2026-11-22T07:30:00Z", tz, &start, &end, &p));
  g_assert_cmpint (start, ==, 1795332600);
  g_assert_cmpint (end, ==, start);
  g_assert_cmpint (p, ==, MAR_TIME_PRECISION_SECOND);

  g_assert_true (mar_time_parse_fhir ("2026-11-22T02:30:00-05:00", tz, &start, NULL, NULL));
  g_assert_cmpint (start, ==, 1795332600);

  /* Fractional seconds are allowed and dropped. */
  g_assert_true (mar_time_parse_fhir ("2026-11-22T07:30:00.250Z", tz, &start, NULL, NULL));
  g_assert_cmpint (start, ==, 1795332600);

  /* A date covers its whole local day. */
  g_assert_true (mar_time_parse_fhir ("2026-11-22", tz, &start, &end, &p));
  g_assert_cmpint (p, ==, MAR_TIME_PRECISION_DAY);
  g_assert_cmpint (start, ==, 1795323600); /* 2026-11-22T00:00-05:00 */
  g_assert_cmpint (end, ==, 1795323600 + 86400 - 1);

  g_assert_true (mar_time_parse_fhir ("2024-02", tz, &start, &end, &p));
  g_assert_cmpint (p, ==, MAR_TIME_PRECISION_MONTH);
  g_assert_cmpint ((end + 1 - start) / 86400, ==, 29);

  g_assert_true (mar_time_parse_fhir ("2026", tz, &start, &end, &p));
  g_assert_cmpint (p, ==, MAR_TIME_PRECISION_YEAR);
}

static void
test_parse_fhir_rejects (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  const char *bad[] = {
    "", "2026-13-01", "2026-02-30", "2026-11-22T25:00:00Z", "2026-11-22T07:30Z",
    "2026-11-22 07:30:00", "22/11/2026", "2026-11-22T07:30:00+5", "2026-1-2",
    "2026-11-22T07:30:00Zjunk", "20261122",
  };
  gint64 start = 42;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (mar_time_parse_fhir (bad[i], tz, &start, NULL, NULL));
      g_assert_cmpint (start, ==, 42);
    }
  g_assert_false (mar_time_parse_fhir (NULL, tz, &start, NULL, NULL));
}

/* 2026-03-08, New York springs forward at 02:00 EST to 03:00 EDT: 02:30 does
 * not exist and moves forward by the gap to 03:30 EDT. */
static void
test_spring_forward_gap (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  gint64 t = mar_time_from_local (tz, 2026, 3, 8, 2, 30, 0);
  g_autofree char *iso = mar_time_format_iso (t, tz);

  g_assert_cmpstr (iso, ==, "2026-03-08T03:30:00-04:00");
  /* The day is 23 hours long. */
  g_assert_cmpint (mar_time_end_of_day (tz, t) + 1 - mar_time_start_of_day (tz, t), ==, 23 * 3600);
}

/* 2026-11-01, New York falls back at 02:00 EDT to 01:00 EST: 01:30 happens
 * twice and the first occurrence (EDT) counts. */
static void
test_fall_back_overlap (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  gint64 t = mar_time_from_local (tz, 2026, 11, 1, 1, 30, 0);
  g_autofree char *iso = mar_time_format_iso (t, tz);

  g_assert_cmpstr (iso, ==, "2026-11-01T01:30:00-04:00");
  g_assert_cmpint (mar_time_end_of_day (tz, t) + 1 - mar_time_start_of_day (tz, t), ==, 25 * 3600);
}

static void
test_local_roundtrip (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  int y, mo, d, h, mi, s;
  gint64 t = mar_time_from_local (tz, 2028, 2, 29, 23, 59, 59);

  mar_time_to_local (tz, t, &y, &mo, &d, &h, &mi, &s);
  g_assert_cmpint (y, ==, 2028);
  g_assert_cmpint (mo, ==, 2);
  g_assert_cmpint (d, ==, 29);
  g_assert_cmpint (h, ==, 23);
  g_assert_cmpint (mi, ==, 59);
  g_assert_cmpint (s, ==, 59);
}

static void
test_format_utc (void)
{
  g_autofree char *s = mar_time_format_utc (1795332600);

  g_assert_cmpstr (s, ==, "2026-11-22T07:30:00Z");
}

static void
test_parse_user (void)
{
  g_autoptr(GTimeZone) tz = new_york ();
  gint64 t;

  g_assert_true (mar_time_parse_user ("2026-11-22T02:30", tz, &t));
  g_assert_cmpint (t, ==, 1795332600);
  g_assert_true (mar_time_parse_user ("2026-11-22 02:30:00", tz, &t));
  g_assert_cmpint (t, ==, 1795332600);
  g_assert_true (mar_time_parse_user ("2026-11-22T07:30:00Z", tz, &t));
  g_assert_cmpint (t, ==, 1795332600);
  g_assert_true (mar_time_parse_user ("2026-11-22T08:30+01:00", tz, &t));
  g_assert_cmpint (t, ==, 1795332600);
  g_assert_false (mar_time_parse_user ("2026-11-22", tz, &t));
  g_assert_false (mar_time_parse_user ("tomorrow", tz, &t));
  g_assert_false (mar_time_parse_user ("2026-11-22T7:30", tz, &t));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/time/parse-fhir/forms", test_parse_fhir_forms);
  g_test_add_func ("/core/time/parse-fhir/rejects", test_parse_fhir_rejects);
  g_test_add_func ("/core/time/local/spring-forward-gap", test_spring_forward_gap);
  g_test_add_func ("/core/time/local/fall-back-overlap", test_fall_back_overlap);
  g_test_add_func ("/core/time/local/roundtrip", test_local_roundtrip);
  g_test_add_func ("/core/time/format-utc", test_format_utc);
  g_test_add_func ("/core/time/parse-user", test_parse_user);

  return g_test_run ();
}
