/* mar-schedule.c — due times of an order in the unit's local time zone
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-schedule"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mar-schedule.h"
#include "mar-time.h"

#define MINUTE 60
#define HOUR   3600
#define DAY    86400
/* A local offset changes by at most this much across a DST transition;
 * used as a margin when wall-clock and instant arithmetic are mixed. */
#define DST_MARGIN (2 * HOUR)
/* GDate's Julian day of 1970-01-01 (day 1 is 0001-01-01). */
#define JULIAN_UNIX_EPOCH 719163
/* No schedule walks more due times than this in one call. */
#define MAX_DUE_TIMES 100000
#define MAX_TIMES_OF_DAY 96

/* Calendar helpers ---------------------------------------------------- */

static gint64
days_from_date (int year,
                int month,
                int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return (gint64) g_date_get_julian (&date) - JULIAN_UNIX_EPOCH;
}

static void
date_from_days (gint64  days,
                int    *year,
                int    *month,
                int    *day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (days + JULIAN_UNIX_EPOCH));
  *year = g_date_get_year (&date);
  *month = g_date_get_month (&date);
  *day = g_date_get_day (&date);
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* Local wall-clock seconds since 1970-01-01T00:00 (as if the zone were UTC). */
static gint64
wall_of (GTimeZone *tz,
         gint64     t)
{
  int y, mo, d, h, mi, s;

  mar_time_to_local (tz, t, &y, &mo, &d, &h, &mi, &s);
  return days_from_date (y, mo, d) * DAY + h * HOUR + mi * MINUTE + s;
}

/* The instant of a wall-clock time: RULES.md's DST rules are those of
 * mar_time_from_local (gap forward, overlap first). */
static gint64
instant_of_wall (GTimeZone *tz,
                 gint64     wall)
{
  gint64 days = floor_div (wall, DAY);
  gint64 secs = wall - days * DAY;
  int y, mo, d;

  date_from_days (days, &y, &mo, &d);
  return mar_time_from_local (tz, y, mo, d, (int) (secs / HOUR), (int) (secs % HOUR / MINUTE), (int) (secs % MINUTE));
}

static int
days_in_month (int year,
               int month)
{
  return g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
}

/* The wall time @months calendar months after @wall (same time of day, the
 * day clamped to the month's length: a monthly order from Jan 31 is due on
 * Feb 28). */
static gint64
wall_add_months (gint64 wall,
                 gint64 months)
{
  gint64 days = floor_div (wall, DAY);
  gint64 secs = wall - days * DAY;
  gint64 total;
  int y, mo, d;

  date_from_days (days, &y, &mo, &d);
  total = (gint64) y * 12 + (mo - 1) + months;
  y = (int) floor_div (total, 12);
  mo = (int) (total - (gint64) y * 12) + 1;
  d = MIN (d, days_in_month (y, mo));
  return days_from_date (y, mo, d) * DAY + secs;
}

static gint64
unit_seconds (const char *unit)
{
  if (g_str_equal (unit, "s"))
    return 1;
  if (g_str_equal (unit, "min"))
    return MINUTE;
  if (g_str_equal (unit, "h"))
    return HOUR;
  if (g_str_equal (unit, "d"))
    return DAY;
  if (g_str_equal (unit, "wk"))
    return 7 * DAY;
  return 0;
}

static int
unit_months (const char *unit)
{
  if (g_str_equal (unit, "mo"))
    return 1;
  if (g_str_equal (unit, "a"))
    return 12;
  return 0;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return x < y ? -1 : x > y;
}

static gboolean
in_bounds (const MarSchedule *s,
           gint64             t)
{
  return (s->start == MAR_TIME_UNSET || t >= s->start) &&
         (s->end == MAR_TIME_UNSET || t <= s->end);
}

/* Sorted times of day (seconds after local midnight) into @out; returns
 * how many. */
static guint
sorted_times_of_day (const MarOrder *order,
                     int            *out)
{
  guint n = MIN (order->times_of_day->len, MAX_TIMES_OF_DAY);

  for (guint i = 0; i < n; i++)
    out[i] = g_array_index (order->times_of_day, int, i);
  qsort (out, n, sizeof (int), compare_int);
  return n;
}

/* Building ------------------------------------------------------------- */

static gint64
max_gap (const MarSchedule *s)
{
  switch (s->kind)
    {
    case MAR_SCHEDULE_INTERVAL:
      return s->step != 0 ? s->step : (gint64) s->step_months * 31 * DAY;
    case MAR_SCHEDULE_TIMES_OF_DAY:
      return (gint64) s->day_period * DAY;
    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_ONE_TIME:
    case MAR_SCHEDULE_EVENTS:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return DAY;
    }
}

static void
collect (const MarSchedule *s,
         gint64             from,
         gint64             to,
         GArray            *out);

/* repeat.count ends the schedule at its count-th due time. */
static gint64
count_end (const MarSchedule *s)
{
  if (s->count <= 0 || s->start == MAR_TIME_UNSET)
    return MAR_TIME_UNSET;

  if (s->kind == MAR_SCHEDULE_INTERVAL)
    {
      if (s->step != 0)
        return instant_of_wall (s->time_zone, s->anchor_wall + (gint64) (s->count - 1) * s->step);
      return instant_of_wall (s->time_zone, wall_add_months (s->anchor_wall, (gint64) (s->count - 1) * s->step_months));
    }

  if (s->kind == MAR_SCHEDULE_TIMES_OF_DAY)
    {
      int tods[MAX_TIMES_OF_DAY];
      guint n = sorted_times_of_day (s->order, tods);
      gint64 start_wall = wall_of (s->time_zone, s->start);
      gint64 start_day = floor_div (start_wall, DAY);
      gint64 remaining = s->count;
      gint64 day_index;
      guint first_day = 0;

      for (guint i = 0; i < n; i++)
        if (start_day * DAY + tods[i] >= start_wall)
          first_day++;
      if (remaining <= (gint64) first_day)
        return instant_of_wall (s->time_zone, start_day * DAY + tods[n - first_day + (guint) remaining - 1]);
      remaining -= first_day;
      day_index = (remaining + n - 1) / n;
      return instant_of_wall (s->time_zone,
                              (start_day + day_index * s->day_period) * DAY + tods[(remaining - 1) % n]);
    }

  return MAR_TIME_UNSET;
}

void
mar_schedule_init (MarSchedule    *schedule,
                   const MarOrder *order,
                   GTimeZone      *time_zone)
{
  MarSchedule *s = schedule;
  gboolean stat, repeating;
  guint n_events, n_tod;

  g_return_if_fail (schedule != NULL);
  g_return_if_fail (order != NULL);
  g_return_if_fail (time_zone != NULL);

  memset (s, 0, sizeof *s);
  s->order = order;
  s->time_zone = time_zone;
  s->start = MAR_TIME_UNSET;
  s->end = order->bounds_end;
  s->due = MAR_TIME_UNSET;
  s->day_period = 1;

  if (order->as_needed || mar_order_is_continuous (order))
    {
      s->kind = MAR_SCHEDULE_NONE;
      return;
    }

  n_events = order->events->len;
  n_tod = order->times_of_day->len;
  stat = g_strcmp0 (order->priority, "stat") == 0;
  repeating = n_events > 1 || n_tod > 0 || order->frequency > 0;

  /* RULES.md: stat / first / loading doses. A single event is its own
   * due time; otherwise the dose is due when the order starts: authoredOn,
   * or a later boundsPeriod.start (a date-only bound before the order was
   * written must not make it overdue). */
  if (order->count == 1 || (n_events == 1 && n_tod == 0) || !repeating)
    {
      s->kind = MAR_SCHEDULE_ONE_TIME;
      s->interval = 0;
      if (n_events >= 1)
        s->due = g_array_index (order->events, gint64, 0);
      else if (order->authored_on != MAR_TIME_UNSET && order->bounds_start != MAR_TIME_UNSET)
        s->due = MAX (order->authored_on, order->bounds_start);
      else if (order->authored_on != MAR_TIME_UNSET)
        s->due = order->authored_on;
      else
        s->due = order->bounds_start;
      s->due_at_order = (order->authored_on != MAR_TIME_UNSET && s->due != MAR_TIME_UNSET &&
                         s->due <= order->authored_on) ||
                        (stat && n_events == 0);
      s->start = order->bounds_start;
      return;
    }

  if (n_events > 0)
    {
      gint64 shortest = 0;
      g_autofree gint64 *sorted = g_memdup2 (order->events->data, n_events * sizeof (gint64));

      qsort (sorted, n_events, sizeof (gint64), compare_gint64);
      for (guint i = 1; i < n_events; i++)
        if (sorted[i] > sorted[i - 1] && (shortest == 0 || sorted[i] - sorted[i - 1] < shortest))
          shortest = sorted[i] - sorted[i - 1];
      s->kind = MAR_SCHEDULE_EVENTS;
      /* Events are instants the prescriber chose: only boundsPeriod limits
       * them, not authoredOn. */
      s->start = order->bounds_start;
      s->interval = shortest > 0 ? shortest : DAY;
      return;
    }

  s->start = order->bounds_start != MAR_TIME_UNSET ? order->bounds_start : order->authored_on;
  s->count = order->count;

  if (n_tod > 0)
    {
      int tods[MAX_TIMES_OF_DAY];
      guint n;
      gint64 shortest;

      if (n_tod > MAX_TIMES_OF_DAY)
        {
          s->kind = MAR_SCHEDULE_UNREADABLE;
          return;
        }
      for (guint i = 0; i < n_tod; i++)
        {
          int tod = g_array_index (order->times_of_day, int, i);

          if (tod < 0 || tod >= DAY)
            {
              s->kind = MAR_SCHEDULE_UNREADABLE;
              return;
            }
        }

      if (order->period > 0 && unit_seconds (order->period_unit) >= DAY)
        s->day_period = MAX (1, (int) (order->period * (double) unit_seconds (order->period_unit) / DAY + 0.5));
      /* Every N-th day needs a first day to count from. */
      if (s->day_period > 1 && s->start == MAR_TIME_UNSET)
        {
          s->kind = MAR_SCHEDULE_UNREADABLE;
          return;
        }

      n = sorted_times_of_day (order, tods);
      shortest = (gint64) s->day_period * DAY - tods[n - 1] + tods[0];
      for (guint i = 1; i < n; i++)
        if (tods[i] > tods[i - 1])
          shortest = MIN (shortest, tods[i] - tods[i - 1]);
      s->kind = MAR_SCHEDULE_TIMES_OF_DAY;
      s->interval = shortest;
    }
  else
    {
      gint64 seconds = unit_seconds (order->period_unit);
      int months = unit_months (order->period_unit);

      if (order->period <= 0 || order->frequency <= 0 || (seconds == 0 && months == 0) ||
          s->start == MAR_TIME_UNSET)
        {
          s->kind = MAR_SCHEDULE_UNREADABLE;
          return;
        }

      if (months > 0 && order->frequency == 1 && order->period == (int) order->period)
        {
          s->step_months = (int) order->period * months;
          s->interval = (gint64) s->step_months * 30 * DAY;
        }
      else
        {
          double period_seconds = order->period * (seconds != 0 ? (double) seconds : months * 30.0 * DAY);

          s->step = (gint64) (period_seconds / order->frequency + 0.5);
          if (s->step <= 0)
            {
              s->kind = MAR_SCHEDULE_UNREADABLE;
              return;
            }
          s->interval = s->step;
        }
      s->kind = MAR_SCHEDULE_INTERVAL;
      s->anchor_wall = wall_of (time_zone, s->start);
    }

  {
    gint64 last = count_end (s);

    if (last != MAR_TIME_UNSET && (s->end == MAR_TIME_UNSET || last < s->end))
      s->end = last;
  }
}

void
mar_schedule_get_window (const MarSchedule    *schedule,
                         const MarTimeWindows *windows,
                         gboolean              time_critical,
                         MarDueWindow         *window)
{
  g_return_if_fail (schedule != NULL);
  g_return_if_fail (windows != NULL);
  g_return_if_fail (window != NULL);

  memset (window, 0, sizeof *window);

  switch (schedule->kind)
    {
    case MAR_SCHEDULE_ONE_TIME:
      window->minutes = windows->first_dose_late_minutes;
      window->late = (gint64) windows->first_dose_late_minutes * MINUTE;
      if (schedule->due_at_order)
        {
          window->never_early = TRUE;
          window->early = window->start_early = G_MAXINT64 / 4;
        }
      else
        {
          window->early = 0;
          window->start_early = (gint64) windows->daily_minutes * MINUTE;
        }
      return;

    case MAR_SCHEDULE_EVENTS:
    case MAR_SCHEDULE_TIMES_OF_DAY:
    case MAR_SCHEDULE_INTERVAL:
      /* ISMP: ±30 for time-critical drugs and anything given more often
       * than every 4 h; ±60 from q4h up to more often than daily; ±120 for
       * daily or rarer. */
      if (time_critical || schedule->interval < 4 * HOUR)
        window->minutes = windows->time_critical_minutes;
      else if (schedule->interval < DAY)
        window->minutes = windows->frequent_minutes;
      else
        window->minutes = windows->daily_minutes;
      window->early = window->late = window->start_early = (gint64) window->minutes * MINUTE;
      return;

    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return;
    }
}

/* Enumeration ---------------------------------------------------------- */

static void
sort_unique (GArray *times)
{
  guint j = 0;

  g_array_sort (times, compare_gint64);
  for (guint i = 0; i < times->len; i++)
    if (j == 0 || g_array_index (times, gint64, i) != g_array_index (times, gint64, j - 1))
      g_array_index (times, gint64, j++) = g_array_index (times, gint64, i);
  g_array_set_size (times, j);
}

static void
add_if_wanted (const MarSchedule *s,
               GArray            *out,
               gint64             t,
               gint64             from,
               gint64             to)
{
  if (t >= from && t <= to && in_bounds (s, t))
    g_array_append_val (out, t);
}

/* Due times in [from, to], ascending, no duplicates, appended to @out. */
static void
collect (const MarSchedule *s,
         gint64             from,
         gint64             to,
         GArray            *out)
{
  guint first = out->len;

  if (from > to)
    return;
  if (s->start != MAR_TIME_UNSET && from < s->start)
    from = s->start;
  if (s->end != MAR_TIME_UNSET && to > s->end)
    to = s->end;
  if (from > to)
    return;

  switch (s->kind)
    {
    case MAR_SCHEDULE_ONE_TIME:
      if (s->due != MAR_TIME_UNSET && s->due >= from && s->due <= to)
        g_array_append_val (out, s->due);
      break;

    case MAR_SCHEDULE_EVENTS:
      for (guint i = 0; i < s->order->events->len; i++)
        add_if_wanted (s, out, g_array_index (s->order->events, gint64, i), from, to);
      break;

    case MAR_SCHEDULE_INTERVAL:
      {
        gint64 wall_from = wall_of (s->time_zone, from) - DST_MARGIN;
        gint64 wall_to = wall_of (s->time_zone, to) + DST_MARGIN;

        if (s->step != 0)
          {
            gint64 k = MAX (0, floor_div (wall_from - s->anchor_wall, s->step));

            for (int guard = 0; guard < MAX_DUE_TIMES; guard++, k++)
              {
                gint64 wall = s->anchor_wall + k * s->step;

                if (wall > wall_to)
                  break;
                add_if_wanted (s, out, instant_of_wall (s->time_zone, wall), from, to);
              }
          }
        else
          {
            int y0, m0, d0, y1, m1, d1;
            gint64 k;

            date_from_days (floor_div (s->anchor_wall, DAY), &y0, &m0, &d0);
            date_from_days (floor_div (wall_from, DAY), &y1, &m1, &d1);
            k = MAX (0, floor_div (((gint64) y1 * 12 + m1) - ((gint64) y0 * 12 + m0), s->step_months) - 1);
            for (int guard = 0; guard < MAX_DUE_TIMES; guard++, k++)
              {
                gint64 wall = wall_add_months (s->anchor_wall, k * s->step_months);

                if (wall > wall_to)
                  break;
                add_if_wanted (s, out, instant_of_wall (s->time_zone, wall), from, to);
              }
          }
      }
      break;

    case MAR_SCHEDULE_TIMES_OF_DAY:
      {
        gint64 day_from = floor_div (wall_of (s->time_zone, from), DAY) - 1;
        gint64 day_to = floor_div (wall_of (s->time_zone, to), DAY) + 1;
        gint64 start_day = s->start != MAR_TIME_UNSET ? floor_div (wall_of (s->time_zone, s->start), DAY) : 0;

        for (gint64 day = day_from; day <= day_to && out->len - first < MAX_DUE_TIMES; day++)
          {
            if (s->day_period > 1 && (day < start_day || (day - start_day) % s->day_period != 0))
              continue;
            for (guint i = 0; i < s->order->times_of_day->len; i++)
              add_if_wanted (s, out,
                             instant_of_wall (s->time_zone, day * DAY + g_array_index (s->order->times_of_day, int, i)),
                             from, to);
          }
      }
      break;

    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      break;
    }

  if (out->len > first)
    {
      /* Sort and deduplicate only the part this call added. */
      g_autoptr(GArray) part = g_array_sized_new (FALSE, FALSE, sizeof (gint64), out->len - first);

      g_array_append_vals (part, &g_array_index (out, gint64, first), out->len - first);
      sort_unique (part);
      g_array_set_size (out, first);
      g_array_append_vals (out, part->data, part->len);
    }
}

GArray *
mar_schedule_list_due (const MarSchedule *schedule,
                       gint64             from,
                       gint64             to)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (schedule != NULL, out);

  collect (schedule, from, to, out);
  return out;
}

gboolean
mar_schedule_first_due (const MarSchedule *schedule,
                        gint64            *due)
{
  g_autoptr(GArray) times = NULL;
  gint64 best = G_MAXINT64;

  g_return_val_if_fail (schedule != NULL, FALSE);

  switch (schedule->kind)
    {
    case MAR_SCHEDULE_ONE_TIME:
      if (schedule->due == MAR_TIME_UNSET)
        return FALSE;
      *due = schedule->due;
      return TRUE;

    case MAR_SCHEDULE_EVENTS:
      for (guint i = 0; i < schedule->order->events->len; i++)
        {
          gint64 t = g_array_index (schedule->order->events, gint64, i);

          if (in_bounds (schedule, t) && t < best)
            best = t;
        }
      if (best == G_MAXINT64)
        return FALSE;
      *due = best;
      return TRUE;

    case MAR_SCHEDULE_INTERVAL:
    case MAR_SCHEDULE_TIMES_OF_DAY:
      if (schedule->start == MAR_TIME_UNSET)
        return FALSE;
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      collect (schedule, schedule->start, schedule->start + max_gap (schedule) + DST_MARGIN, times);
      if (times->len == 0)
        return FALSE;
      *due = g_array_index (times, gint64, 0);
      return TRUE;

    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return FALSE;
    }
}

gboolean
mar_schedule_last_due (const MarSchedule *schedule,
                       gint64            *due)
{
  g_autoptr(GArray) times = NULL;
  gint64 best = G_MININT64;

  g_return_val_if_fail (schedule != NULL, FALSE);

  switch (schedule->kind)
    {
    case MAR_SCHEDULE_ONE_TIME:
      return mar_schedule_first_due (schedule, due);

    case MAR_SCHEDULE_EVENTS:
      for (guint i = 0; i < schedule->order->events->len; i++)
        {
          gint64 t = g_array_index (schedule->order->events, gint64, i);

          if (in_bounds (schedule, t) && t > best)
            best = t;
        }
      if (best == G_MININT64)
        return FALSE;
      *due = best;
      return TRUE;

    case MAR_SCHEDULE_INTERVAL:
    case MAR_SCHEDULE_TIMES_OF_DAY:
      if (schedule->end == MAR_TIME_UNSET)
        return FALSE;
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      collect (schedule, schedule->end - max_gap (schedule) - DST_MARGIN, schedule->end, times);
      if (times->len == 0)
        return FALSE;
      *due = g_array_index (times, gint64, times->len - 1);
      return TRUE;

    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return FALSE;
    }
}

gboolean
mar_schedule_next_due (const MarSchedule *schedule,
                       gint64             due,
                       gint64            *next)
{
  g_autoptr(GArray) times = NULL;
  gint64 best = G_MAXINT64;

  g_return_val_if_fail (schedule != NULL, FALSE);

  switch (schedule->kind)
    {
    case MAR_SCHEDULE_EVENTS:
      for (guint i = 0; i < schedule->order->events->len; i++)
        {
          gint64 t = g_array_index (schedule->order->events, gint64, i);

          if (in_bounds (schedule, t) && t > due && t < best)
            best = t;
        }
      if (best == G_MAXINT64)
        return FALSE;
      *next = best;
      return TRUE;

    case MAR_SCHEDULE_INTERVAL:
    case MAR_SCHEDULE_TIMES_OF_DAY:
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      collect (schedule, due + 1, due + max_gap (schedule) + DST_MARGIN, times);
      if (times->len == 0)
        return FALSE;
      *next = g_array_index (times, gint64, 0);
      return TRUE;

    case MAR_SCHEDULE_ONE_TIME:
    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return FALSE;
    }
}

gboolean
mar_schedule_nearest_due (const MarSchedule *schedule,
                          gint64             t,
                          gint64            *due)
{
  g_autoptr(GArray) times = NULL;
  gint64 before = MAR_TIME_UNSET, after = MAR_TIME_UNSET;
  gint64 span;

  g_return_val_if_fail (schedule != NULL, FALSE);
  g_return_val_if_fail (due != NULL, FALSE);

  switch (schedule->kind)
    {
    case MAR_SCHEDULE_ONE_TIME:
      return mar_schedule_first_due (schedule, due);

    case MAR_SCHEDULE_EVENTS:
      for (guint i = 0; i < schedule->order->events->len; i++)
        {
          gint64 e = g_array_index (schedule->order->events, gint64, i);

          if (!in_bounds (schedule, e))
            continue;
          if (e <= t && (before == MAR_TIME_UNSET || e > before))
            before = e;
          if (e > t && (after == MAR_TIME_UNSET || e < after))
            after = e;
        }
      break;

    case MAR_SCHEDULE_INTERVAL:
    case MAR_SCHEDULE_TIMES_OF_DAY:
      /* Due times are never further apart than max_gap (plus a DST hour),
       * so this span holds the due time on each side of @t if they exist. */
      span = max_gap (schedule) + DST_MARGIN;
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      collect (schedule, t - span, t + span, times);
      for (guint i = 0; i < times->len; i++)
        {
          gint64 e = g_array_index (times, gint64, i);

          if (e <= t)
            before = e;
          else if (after == MAR_TIME_UNSET)
            after = e;
        }
      /* Outside the schedule: the first or the last due time. */
      if (before == MAR_TIME_UNSET && after == MAR_TIME_UNSET)
        {
          gint64 first, last;

          if (mar_schedule_first_due (schedule, &first) && t < first)
            after = first;
          else if (mar_schedule_last_due (schedule, &last) && t > last)
            before = last;
        }
      break;

    case MAR_SCHEDULE_NONE:
    case MAR_SCHEDULE_UNREADABLE:
    default:
      return FALSE;
    }

  if (before == MAR_TIME_UNSET && after == MAR_TIME_UNSET)
    return FALSE;
  if (after == MAR_TIME_UNSET || (before != MAR_TIME_UNSET && t - before <= after - t))
    *due = before;
  else
    *due = after;
  return TRUE;
}

/* Charting ------------------------------------------------------------- */

gboolean
mar_administration_counts_as_given (const MarAdministration *administration)
{
  const char *status;

  g_return_val_if_fail (administration != NULL, FALSE);

  status = administration->status;
  if (administration->removed || status == NULL)
    return FALSE;
  return g_str_equal (status, "completed") ||
         g_str_equal (status, "in-progress") ||
         g_str_equal (status, "on-hold") ||
         g_str_equal (status, "stopped");
}

gint64
mar_schedule_charted_due (const MarSchedule       *schedule,
                          const MarAdministration *administration)
{
  gint64 due;

  g_return_val_if_fail (schedule != NULL, MAR_TIME_UNSET);
  g_return_val_if_fail (administration != NULL, MAR_TIME_UNSET);

  if (administration->due_time != MAR_TIME_UNSET)
    return administration->due_time;
  if (administration->start != MAR_TIME_UNSET &&
      mar_schedule_nearest_due (schedule, administration->start, &due))
    return due;
  return MAR_TIME_UNSET;
}

static gboolean
is_charted (const MarSchedule *schedule,
            GPtrArray         *administrations,
            gint64             due)
{
  if (administrations == NULL)
    return FALSE;

  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (g_strcmp0 (a->order_id, schedule->order->id) == 0 &&
          mar_administration_counts_as_given (a) &&
          mar_schedule_charted_due (schedule, a) == due)
        return TRUE;
    }
  return FALSE;
}

GArray *
mar_schedule_list_missed (const MarSchedule  *schedule,
                          const MarDueWindow *window,
                          GPtrArray          *administrations,
                          gint64              from,
                          gint64              to,
                          gint64              now)
{
  g_autoptr(GArray) due_times = NULL;
  GArray *missed = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (schedule != NULL, missed);
  g_return_val_if_fail (window != NULL, missed);

  due_times = mar_schedule_list_due (schedule, from, MIN (to, now));
  for (guint i = 0; i < due_times->len; i++)
    {
      gint64 due = g_array_index (due_times, gint64, i);
      gint64 next;

      if (now <= due + window->late)
        continue;  /* its window is still open */
      /* Still the nearest due time (ties stay with it): a scan now would
       * chart it, late. Missed only once the next one is nearer. */
      if (mar_schedule_next_due (schedule, due, &next) && !(ABS (next - now) < now - due))
        continue;
      if (is_charted (schedule, administrations, due))
        continue;
      g_array_append_val (missed, due);
    }
  return missed;
}
