/* test-schedule.c — due times of an order (RULES.md, Time), DST days included
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mar-schedule.h"
#include "mar-time.h"

static GTimeZone *tz;
static MarDrugLibrary *library;

static gint64
local (int y, int mo, int d, int h, int mi)
{
  return mar_time_from_local (tz, y, mo, d, h, mi, 0);
}

/* 2026-03-08T07:00:00Z and friends: the instants DST arithmetic must hit. */
static gint64
utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (dt);
}

static MarOrder *
interval_order (double      period,
                const char *unit,
                int         frequency,
                gint64      start)
{
  MarOrder *order = mar_order_new ();

  order->id = g_strdup ("o1");
  order->status = MAR_ORDER_STATUS_ACTIVE;
  order->frequency = frequency;
  order->period = period;
  g_strlcpy (order->period_unit, unit, sizeof order->period_unit);
  order->bounds_start = start;
  order->authored_on = start;
  return order;
}

static MarOrder *
time_of_day_order (gint64 start, ...)
{
  MarOrder *order = mar_order_new ();
  va_list args;
  int seconds;

  order->id = g_strdup ("o1");
  order->frequency = 1;
  order->period = 1;
  g_strlcpy (order->period_unit, "d", sizeof order->period_unit);
  order->bounds_start = start;
  va_start (args, start);
  while ((seconds = va_arg (args, int)) >= 0)
    g_array_append_val (order->times_of_day, seconds);
  va_end (args);
  return order;
}

static void
assert_due (GArray       *due,
            const gint64 *expected,
            guint         n)
{
  if (due->len != n)
    {
      for (guint i = 0; i < due->len; i++)
        {
          g_autofree char *s = mar_time_format_iso (g_array_index (due, gint64, i), tz);
          g_test_message ("due[%u] = %s", i, s);
        }
    }
  g_assert_cmpuint (due->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (due, gint64, i), ==, expected[i]);
}

static void
test_interval_plain_day (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 4, 0, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  const gint64 expected[] = {
    local (2026, 3, 5, 0, 0), local (2026, 3, 5, 6, 0), local (2026, 3, 5, 12, 0), local (2026, 3, 5, 18, 0),
  };

  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_INTERVAL);
  g_assert_cmpint (s.interval, ==, 6 * 3600);
  due = mar_schedule_list_due (&s, local (2026, 3, 5, 0, 0), local (2026, 3, 5, 23, 59));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

/* Spring forward, America/New_York 2026-03-08: 02:00 EST becomes 03:00 EDT. */
static void
test_dst_spring_q1h (void)
{
  g_autoptr(MarOrder) order = interval_order (1, "h", 1, local (2026, 3, 7, 22, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  /* 02:00 does not exist: it moves forward to 03:00 and is one due time
   * with the 03:00 dose. */
  const gint64 expected[] = {
    utc (2026, 3, 8, 5, 0),  /* 00:00 EST */
    utc (2026, 3, 8, 6, 0),  /* 01:00 EST */
    utc (2026, 3, 8, 7, 0),  /* 03:00 EDT */
    utc (2026, 3, 8, 8, 0),  /* 04:00 EDT */
  };

  mar_schedule_init (&s, order, tz);
  due = mar_schedule_list_due (&s, local (2026, 3, 8, 0, 0), local (2026, 3, 8, 4, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

static void
test_dst_spring_q6h (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 6, 0, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  /* The wall clock keeps 00-06-12-18: the 00→06 gap is five real hours. */
  const gint64 expected[] = {
    utc (2026, 3, 8, 5, 0),   /* 00:00 EST */
    utc (2026, 3, 8, 10, 0),  /* 06:00 EDT */
    utc (2026, 3, 8, 16, 0),  /* 12:00 EDT */
    utc (2026, 3, 8, 22, 0),  /* 18:00 EDT */
  };

  mar_schedule_init (&s, order, tz);
  due = mar_schedule_list_due (&s, local (2026, 3, 8, 0, 0), local (2026, 3, 8, 23, 59));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

/* Fall back, 2026-11-01: 02:00 EDT becomes 01:00 EST. */
static void
test_dst_fall_q1h (void)
{
  g_autoptr(MarOrder) order = interval_order (1, "h", 1, local (2026, 10, 31, 22, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  /* 01:00 is ambiguous and takes its first occurrence; the wall clock's
   * next hour is 02:00 EST, two real hours later. */
  const gint64 expected[] = {
    utc (2026, 11, 1, 4, 0),  /* 00:00 EDT */
    utc (2026, 11, 1, 5, 0),  /* 01:00 EDT */
    utc (2026, 11, 1, 7, 0),  /* 02:00 EST */
    utc (2026, 11, 1, 8, 0),  /* 03:00 EST */
  };

  mar_schedule_init (&s, order, tz);
  due = mar_schedule_list_due (&s, utc (2026, 11, 1, 4, 0), utc (2026, 11, 1, 8, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

static void
test_dst_fall_q6h (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 10, 30, 0, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  const gint64 expected[] = {
    utc (2026, 11, 1, 4, 0),   /* 00:00 EDT */
    utc (2026, 11, 1, 11, 0),  /* 06:00 EST: seven real hours later */
    utc (2026, 11, 1, 17, 0),  /* 12:00 EST */
    utc (2026, 11, 1, 23, 0),  /* 18:00 EST */
  };

  mar_schedule_init (&s, order, tz);
  due = mar_schedule_list_due (&s, local (2026, 11, 1, 0, 0), local (2026, 11, 1, 23, 59));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

static void
test_dst_time_of_day_0230 (void)
{
  g_autoptr(MarOrder) order = time_of_day_order (local (2026, 3, 1, 0, 0), 2 * 3600 + 30 * 60, -1);
  g_autoptr(GArray) spring = NULL;
  g_autoptr(GArray) fall = NULL;
  MarSchedule s;
  const gint64 expected_spring[] = {
    utc (2026, 3, 7, 7, 30),  /* 02:30 EST */
    utc (2026, 3, 8, 7, 30),  /* 02:30 does not exist: 03:30 EDT */
    utc (2026, 3, 9, 6, 30),  /* 02:30 EDT */
  };
  const gint64 expected_fall[] = {
    utc (2026, 10, 31, 6, 30), /* 02:30 EDT */
    utc (2026, 11, 1, 7, 30),  /* 02:30 EST (after the repeated hour) */
    utc (2026, 11, 2, 7, 30),  /* 02:30 EST */
  };

  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_TIMES_OF_DAY);
  g_assert_cmpint (s.interval, ==, 86400);
  spring = mar_schedule_list_due (&s, local (2026, 3, 7, 0, 0), local (2026, 3, 9, 23, 0));
  assert_due (spring, expected_spring, G_N_ELEMENTS (expected_spring));
  fall = mar_schedule_list_due (&s, local (2026, 10, 31, 0, 0), local (2026, 11, 2, 23, 0));
  assert_due (fall, expected_fall, G_N_ELEMENTS (expected_fall));
}

static void
test_dst_daily_0130 (void)
{
  g_autoptr(MarOrder) order = interval_order (1, "d", 1, local (2026, 2, 20, 1, 30));
  g_autoptr(GArray) spring = NULL;
  g_autoptr(GArray) fall = NULL;
  MarSchedule s;
  const gint64 expected_spring[] = {
    utc (2026, 3, 7, 6, 30),  /* 01:30 EST */
    utc (2026, 3, 8, 6, 30),  /* 01:30 EST: before the gap */
    utc (2026, 3, 9, 5, 30),  /* 01:30 EDT */
  };
  const gint64 expected_fall[] = {
    utc (2026, 10, 31, 5, 30), /* 01:30 EDT */
    utc (2026, 11, 1, 5, 30),  /* 01:30 is ambiguous: the first, EDT */
    utc (2026, 11, 2, 6, 30),  /* 01:30 EST */
  };

  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_INTERVAL);
  spring = mar_schedule_list_due (&s, local (2026, 3, 7, 0, 0), local (2026, 3, 9, 23, 0));
  assert_due (spring, expected_spring, G_N_ELEMENTS (expected_spring));
  fall = mar_schedule_list_due (&s, local (2026, 10, 31, 0, 0), local (2026, 11, 2, 23, 0));
  assert_due (fall, expected_fall, G_N_ELEMENTS (expected_fall));
}

static void
test_nearest (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 4, 0, 0));
  MarSchedule s;
  gint64 due;

  mar_schedule_init (&s, order, tz);
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 7, 10), &due));
  g_assert_cmpint (due, ==, local (2026, 3, 5, 6, 0));
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 10, 59), &due));
  g_assert_cmpint (due, ==, local (2026, 3, 5, 12, 0));
  /* Halfway: the earlier due time. */
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 9, 0), &due));
  g_assert_cmpint (due, ==, local (2026, 3, 5, 6, 0));
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 9, 0) + 1, &due));
  g_assert_cmpint (due, ==, local (2026, 3, 5, 12, 0));
  /* Before the start: the first due time. */
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 1, 8, 0), &due));
  g_assert_cmpint (due, ==, local (2026, 3, 4, 0, 0));
  g_assert_true (mar_schedule_first_due (&s, &due));
  g_assert_cmpint (due, ==, local (2026, 3, 4, 0, 0));
  g_assert_false (mar_schedule_last_due (&s, &due));
  g_assert_true (mar_schedule_next_due (&s, local (2026, 3, 5, 6, 0), &due));
  g_assert_cmpint (due, ==, local (2026, 3, 5, 12, 0));
}

/* Across the spring gap the 00:00 and 06:00 doses are five real hours
 * apart: "nearest" is measured in real time, so the halfway point is 03:30
 * EDT (07:30Z), not 03:00 on the wall clock. */
static void
test_nearest_dst (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 6, 0, 0));
  MarSchedule s;
  gint64 due;

  mar_schedule_init (&s, order, tz);
  g_assert_true (mar_schedule_nearest_due (&s, utc (2026, 3, 8, 7, 0), &due));
  g_assert_cmpint (due, ==, utc (2026, 3, 8, 5, 0));
  g_assert_true (mar_schedule_nearest_due (&s, utc (2026, 3, 8, 7, 31), &due));
  g_assert_cmpint (due, ==, utc (2026, 3, 8, 10, 0));
}

static void
test_bounds_and_count (void)
{
  g_autoptr(MarOrder) bounded = interval_order (8, "h", 1, local (2026, 3, 5, 8, 0));
  g_autoptr(MarOrder) counted = interval_order (8, "h", 1, local (2026, 3, 5, 8, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  gint64 t;
  const gint64 expected[] = { local (2026, 3, 5, 8, 0), local (2026, 3, 5, 16, 0), local (2026, 3, 6, 0, 0) };

  bounded->bounds_end = local (2026, 3, 6, 0, 0);
  mar_schedule_init (&s, bounded, tz);
  due = mar_schedule_list_due (&s, local (2026, 3, 1, 0, 0), local (2026, 3, 10, 0, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
  g_assert_true (mar_schedule_last_due (&s, &t));
  g_assert_cmpint (t, ==, local (2026, 3, 6, 0, 0));
  g_assert_false (mar_schedule_next_due (&s, t, &t));
  /* After the end the nearest is the last one. */
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 9, 0, 0), &t));
  g_assert_cmpint (t, ==, local (2026, 3, 6, 0, 0));

  counted->count = 3;
  mar_schedule_init (&s, counted, tz);
  g_clear_pointer (&due, g_array_unref);
  due = mar_schedule_list_due (&s, local (2026, 3, 1, 0, 0), local (2026, 3, 10, 0, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

static void
test_time_of_day_count_and_period (void)
{
  g_autoptr(MarOrder) counted = time_of_day_order (local (2026, 3, 5, 12, 0), 8 * 3600, 20 * 3600, -1);
  g_autoptr(MarOrder) every_other = time_of_day_order (local (2026, 3, 1, 0, 0), 8 * 3600, -1);
  g_autoptr(GArray) due = NULL;
  g_autoptr(GArray) due2 = NULL;
  MarSchedule s;
  gint64 t;
  const gint64 expected[] = { local (2026, 3, 5, 20, 0), local (2026, 3, 6, 8, 0), local (2026, 3, 6, 20, 0) };
  const gint64 expected2[] = { local (2026, 3, 1, 8, 0), local (2026, 3, 3, 8, 0), local (2026, 3, 5, 8, 0) };

  counted->count = 3;
  mar_schedule_init (&s, counted, tz);
  g_assert_cmpint (s.interval, ==, 12 * 3600);
  due = mar_schedule_list_due (&s, local (2026, 3, 1, 0, 0), local (2026, 3, 10, 0, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
  g_assert_true (mar_schedule_last_due (&s, &t));
  g_assert_cmpint (t, ==, local (2026, 3, 6, 20, 0));

  every_other->period = 2;
  mar_schedule_init (&s, every_other, tz);
  g_assert_cmpint (s.day_period, ==, 2);
  due2 = mar_schedule_list_due (&s, local (2026, 3, 1, 0, 0), local (2026, 3, 5, 23, 0));
  assert_due (due2, expected2, G_N_ELEMENTS (expected2));
}

static void
test_monthly (void)
{
  g_autoptr(MarOrder) order = interval_order (1, "mo", 1, local (2026, 1, 31, 9, 0));
  g_autoptr(GArray) due = NULL;
  MarSchedule s;
  const gint64 expected[] = { local (2026, 1, 31, 9, 0), local (2026, 2, 28, 9, 0), local (2026, 3, 31, 9, 0) };

  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (s.step_months, ==, 1);
  due = mar_schedule_list_due (&s, local (2026, 1, 1, 0, 0), local (2026, 4, 1, 0, 0));
  assert_due (due, expected, G_N_ELEMENTS (expected));
}

static void
test_events (void)
{
  g_autoptr(MarOrder) order = mar_order_new ();
  MarSchedule s;
  gint64 t;
  gint64 events[] = { local (2026, 3, 5, 20, 0), local (2026, 3, 5, 8, 0), local (2026, 3, 6, 8, 0) };

  order->id = g_strdup ("o1");
  g_array_append_vals (order->events, events, G_N_ELEMENTS (events));
  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_EVENTS);
  g_assert_cmpint (s.interval, ==, 12 * 3600);
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 13, 0), &t));
  g_assert_cmpint (t, ==, local (2026, 3, 5, 8, 0));
  g_assert_true (mar_schedule_first_due (&s, &t));
  g_assert_cmpint (t, ==, local (2026, 3, 5, 8, 0));
  g_assert_true (mar_schedule_last_due (&s, &t));
  g_assert_cmpint (t, ==, local (2026, 3, 6, 8, 0));
  g_assert_true (mar_schedule_next_due (&s, local (2026, 3, 5, 8, 0), &t));
  g_assert_cmpint (t, ==, local (2026, 3, 5, 20, 0));
}

static void
test_one_time (void)
{
  g_autoptr(MarOrder) stat = mar_order_new ();
  g_autoptr(MarOrder) later = mar_order_new ();
  g_autoptr(MarOrder) once = mar_order_new ();
  const MarTimeWindows *windows = mar_drug_library_get_time_windows (library);
  MarDueWindow w;
  MarSchedule s;
  gint64 t, event = local (2026, 3, 5, 14, 0);

  stat->priority = g_strdup ("stat");
  stat->authored_on = local (2026, 3, 5, 9, 12);
  mar_schedule_init (&s, stat, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_ONE_TIME);
  g_assert_true (mar_schedule_nearest_due (&s, local (2026, 3, 5, 20, 0), &t));
  g_assert_cmpint (t, ==, stat->authored_on);
  mar_schedule_get_window (&s, windows, TRUE, &w);
  g_assert_true (w.never_early);
  g_assert_cmpint (w.late, ==, 30 * 60);

  /* A single event scheduled after the order was written. */
  later->authored_on = local (2026, 3, 5, 9, 0);
  g_array_append_val (later->events, event);
  mar_schedule_init (&s, later, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_ONE_TIME);
  g_assert_true (mar_schedule_first_due (&s, &t));
  g_assert_cmpint (t, ==, event);
  mar_schedule_get_window (&s, windows, FALSE, &w);
  g_assert_false (w.never_early);
  g_assert_cmpint (w.early, ==, 0);
  g_assert_cmpint (w.start_early, ==, 120 * 60);
  g_assert_cmpint (w.late, ==, 30 * 60);

  /* count 1, with a date-only bounds start before authoredOn. */
  once->count = 1;
  once->frequency = 1;
  once->period = 1;
  g_strlcpy (once->period_unit, "d", sizeof once->period_unit);
  once->authored_on = local (2026, 3, 5, 10, 0);
  once->bounds_start = local (2026, 3, 5, 0, 0);
  mar_schedule_init (&s, once, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_ONE_TIME);
  g_assert_true (mar_schedule_first_due (&s, &t));
  g_assert_cmpint (t, ==, once->authored_on);
  g_assert_true (s.due_at_order);
}

static void
test_none_and_unreadable (void)
{
  g_autoptr(MarOrder) prn = interval_order (4, "h", 1, local (2026, 3, 5, 0, 0));
  g_autoptr(MarOrder) drip = mar_order_new ();
  g_autoptr(MarOrder) broken = interval_order (0, "h", 1, local (2026, 3, 5, 0, 0));
  g_autoptr(MarOrder) weird_unit = interval_order (1, "x", 1, local (2026, 3, 5, 0, 0));
  MarSchedule s;
  gint64 t;

  prn->as_needed = TRUE;
  mar_schedule_init (&s, prn, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_NONE);
  g_assert_false (mar_schedule_nearest_due (&s, local (2026, 3, 5, 0, 0), &t));

  mar_quantity_set (&drip->rate, 100, "mL/h");
  mar_schedule_init (&s, drip, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_NONE);

  mar_schedule_init (&s, broken, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_UNREADABLE);
  mar_schedule_init (&s, weird_unit, tz);
  g_assert_cmpint (s.kind, ==, MAR_SCHEDULE_UNREADABLE);
}

static void
test_windows (void)
{
  const MarTimeWindows *windows = mar_drug_library_get_time_windows (library);
  struct { double period; const char *unit; int frequency; gboolean critical; int minutes; } cases[] = {
    { 2, "h", 1, FALSE, 30 },
    { 4, "h", 1, FALSE, 60 },    /* every 4 h: ±60 */
    { 239, "min", 1, FALSE, 30 },/* more often than every 4 h */
    { 12, "h", 1, FALSE, 60 },
    { 1, "d", 3, FALSE, 60 },    /* tid: every 8 h */
    { 1, "d", 1, FALSE, 120 },   /* daily: ±120 */
    { 2, "d", 1, FALSE, 120 },
    { 1, "wk", 1, FALSE, 120 },
    { 1, "d", 1, TRUE, 30 },     /* time-critical */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MarOrder) order = interval_order (cases[i].period, cases[i].unit, cases[i].frequency,
                                                  local (2026, 3, 5, 0, 0));
      MarSchedule s;
      MarDueWindow w;

      mar_schedule_init (&s, order, tz);
      mar_schedule_get_window (&s, windows, cases[i].critical, &w);
      g_assert_cmpint (w.minutes, ==, cases[i].minutes);
      g_assert_cmpint (w.early, ==, cases[i].minutes * 60);
      g_assert_cmpint (w.late, ==, cases[i].minutes * 60);
      g_assert_false (w.never_early);
    }

  /* Times of day: the shortest gap decides (08, 10, 20 → 2 h → ±30). */
  {
    g_autoptr(MarOrder) order = time_of_day_order (local (2026, 3, 5, 0, 0), 8 * 3600, 20 * 3600, 10 * 3600, -1);
    MarSchedule s;
    MarDueWindow w;

    mar_schedule_init (&s, order, tz);
    mar_schedule_get_window (&s, windows, FALSE, &w);
    g_assert_cmpint (w.minutes, ==, 30);
  }
}

static MarAdministration *
charted (const char *order_id,
         const char *status,
         gint64      start,
         gint64      due_time)
{
  MarAdministration *a = mar_administration_new ();

  a->order_id = g_strdup (order_id);
  a->status = g_strdup (status);
  a->start = start;
  a->due_time = due_time;
  return a;
}

static void
test_charted_due (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 5, 0, 0));
  g_autoptr(MarAdministration) with_due = charted ("o1", "completed", local (2026, 3, 5, 8, 50), local (2026, 3, 5, 6, 0));
  g_autoptr(MarAdministration) without = charted ("o1", "completed", local (2026, 3, 5, 8, 50), MAR_TIME_UNSET);
  g_autoptr(MarAdministration) not_done = charted ("o1", "not-done", local (2026, 3, 5, 8, 50), MAR_TIME_UNSET);
  MarSchedule s;

  mar_schedule_init (&s, order, tz);
  g_assert_cmpint (mar_schedule_charted_due (&s, with_due), ==, local (2026, 3, 5, 6, 0));
  g_assert_cmpint (mar_schedule_charted_due (&s, without), ==, local (2026, 3, 5, 6, 0));
  g_assert_true (mar_administration_counts_as_given (without));
  g_assert_false (mar_administration_counts_as_given (not_done));
  without->removed = TRUE;
  g_assert_false (mar_administration_counts_as_given (without));
}

static void
test_missed (void)
{
  g_autoptr(MarOrder) order = interval_order (6, "h", 1, local (2026, 3, 5, 0, 0));
  g_autoptr(GPtrArray) administrations = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_administration_free);
  const MarTimeWindows *windows = mar_drug_library_get_time_windows (library);
  MarSchedule s;
  MarDueWindow w;
  g_autoptr(GArray) at_1330 = NULL;
  g_autoptr(GArray) at_1501 = NULL;
  const gint64 expected_1330[] = { local (2026, 3, 5, 6, 0) };
  const gint64 expected_1501[] = { local (2026, 3, 5, 6, 0), local (2026, 3, 5, 12, 0) };

  g_ptr_array_add (administrations, charted ("o1", "completed", local (2026, 3, 5, 0, 10), MAR_TIME_UNSET));
  /* Refused: not given, so the 06:00 dose stays uncharted. */
  g_ptr_array_add (administrations, charted ("o1", "not-done", local (2026, 3, 5, 6, 5), MAR_TIME_UNSET));
  /* Another order's dose at 12:00 charts nothing here. */
  g_ptr_array_add (administrations, charted ("o2", "completed", local (2026, 3, 5, 12, 0), MAR_TIME_UNSET));

  mar_schedule_init (&s, order, tz);
  mar_schedule_get_window (&s, windows, FALSE, &w);
  g_assert_cmpint (w.minutes, ==, 60);

  /* 13:30: 12:00's window closed but it is still the nearest due time. */
  at_1330 = mar_schedule_list_missed (&s, &w, administrations, local (2026, 3, 5, 0, 0), local (2026, 3, 5, 23, 59),
                                      local (2026, 3, 5, 13, 30));
  assert_due (at_1330, expected_1330, G_N_ELEMENTS (expected_1330));

  /* 15:01: 18:00 is nearer now. */
  at_1501 = mar_schedule_list_missed (&s, &w, administrations, local (2026, 3, 5, 0, 0), local (2026, 3, 5, 23, 59),
                                      local (2026, 3, 5, 15, 1));
  assert_due (at_1501, expected_1501, G_N_ELEMENTS (expected_1501));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_nonnull (tz);
  library = mar_drug_library_new_default ();

  g_test_add_func ("/core/schedule/interval/plain-day", test_interval_plain_day);
  g_test_add_func ("/core/schedule/dst/spring-q1h", test_dst_spring_q1h);
  g_test_add_func ("/core/schedule/dst/spring-q6h", test_dst_spring_q6h);
  g_test_add_func ("/core/schedule/dst/fall-q1h", test_dst_fall_q1h);
  g_test_add_func ("/core/schedule/dst/fall-q6h", test_dst_fall_q6h);
  g_test_add_func ("/core/schedule/dst/time-of-day-0230", test_dst_time_of_day_0230);
  g_test_add_func ("/core/schedule/dst/daily-0130", test_dst_daily_0130);
  g_test_add_func ("/core/schedule/nearest", test_nearest);
  g_test_add_func ("/core/schedule/nearest-dst", test_nearest_dst);
  g_test_add_func ("/core/schedule/bounds-and-count", test_bounds_and_count);
  g_test_add_func ("/core/schedule/time-of-day/count-and-period", test_time_of_day_count_and_period);
  g_test_add_func ("/core/schedule/monthly", test_monthly);
  g_test_add_func ("/core/schedule/events", test_events);
  g_test_add_func ("/core/schedule/one-time", test_one_time);
  g_test_add_func ("/core/schedule/none-and-unreadable", test_none_and_unreadable);
  g_test_add_func ("/core/schedule/windows", test_windows);
  g_test_add_func ("/core/schedule/charted-due", test_charted_due);
  g_test_add_func ("/core/schedule/missed", test_missed);

  ret = g_test_run ();
  mar_drug_library_unref (library);
  g_time_zone_unref (tz);
  return ret;
}
