/* mar-shift.c — a unit's nursing shifts on the wall clock
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-shift"

#include "config.h"

#include "mar-shift.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-model.h"
#include "mar-time.h"

#define MINUTES_PER_DAY (24 * 60)

struct _MarShiftPlan
{
  gatomicrefcount  ref_count;
  GArray          *shifts;   /* (MarShiftDefinition) */
};

G_DEFINE_QUARK (mar-shift-error-quark, mar_shift_error)

static void
definition_clear (gpointer data)
{
  MarShiftDefinition *definition = data;

  g_clear_pointer (&definition->name, g_free);
}

static MarShiftPlan *
plan_alloc (void)
{
  MarShiftPlan *plan = g_new0 (MarShiftPlan, 1);

  g_atomic_ref_count_init (&plan->ref_count);
  plan->shifts = g_array_new (FALSE, TRUE, sizeof (MarShiftDefinition));
  g_array_set_clear_func (plan->shifts, definition_clear);
  return plan;
}

static void
plan_add (MarShiftPlan *plan,
          const char   *name,
          int           start_minute,
          int           end_minute)
{
  MarShiftDefinition definition = { g_strdup (name), start_minute, end_minute };

  g_array_append_val (plan->shifts, definition);
}

MarShiftPlan *
mar_shift_plan_new_default (void)
{
  MarShiftPlan *plan = plan_alloc ();

  plan_add (plan, "day", 7 * 60, 19 * 60);
  plan_add (plan, "night", 19 * 60, 7 * 60);
  return plan;
}

MarShiftPlan *
mar_shift_plan_ref (MarShiftPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  g_atomic_ref_count_inc (&plan->ref_count);
  return plan;
}

void
mar_shift_plan_unref (MarShiftPlan *plan)
{
  if (plan == NULL || !g_atomic_ref_count_dec (&plan->ref_count))
    return;
  g_array_unref (plan->shifts);
  g_free (plan);
}

guint
mar_shift_plan_get_n_shifts (const MarShiftPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->shifts->len;
}

const MarShiftDefinition *
mar_shift_plan_get_shift (const MarShiftPlan *plan,
                          guint               index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (index < plan->shifts->len, NULL);
  return &g_array_index (plan->shifts, MarShiftDefinition, index);
}

/* Configuration ------------------------------------------------------------ */

static gboolean
parse_clock (const char *text,
             int        *minute)
{
  guint64 h, m;
  char *end = NULL;

  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  h = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != ':' || h > 23 || end - text > 2)
    return FALSE;
  text = end + 1;
  if (!g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != '\0')
    return FALSE;
  m = g_ascii_strtoull (text, NULL, 10);
  if (m > 59)
    return FALSE;
  *minute = (int) (h * 60 + m);
  return TRUE;
}

static gboolean
parse_hours (const char *text,
             int        *start,
             int        *end)
{
  g_auto(GStrv) parts = g_strsplit (text, "-", 3);

  if (g_strv_length (parts) != 2)
    return FALSE;
  g_strstrip (parts[0]);
  g_strstrip (parts[1]);
  return parse_clock (parts[0], start) && parse_clock (parts[1], end);
}

static gboolean
name_is_valid (const char *name)
{
  if (*name == '\0' || strlen (name) > 32)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static int
length_of (const MarShiftDefinition *d,
           guint                     n_shifts)
{
  int length = (d->end_minute - d->start_minute + MINUTES_PER_DAY) % MINUTES_PER_DAY;

  /* A single shift may take the whole day. */
  return length == 0 && n_shifts == 1 ? MINUTES_PER_DAY : length;
}

static gboolean
plan_validate (MarShiftPlan  *plan,
               const char    *group,
               GError       **error)
{
  int total = 0;
  guint n = plan->shifts->len;

  /* Each shift must begin where the one before it ends, and together they
   * must make one day: the shift log must account for every minute. */
  for (guint i = 0; i < n; i++)
    {
      const MarShiftDefinition *d = &g_array_index (plan->shifts, MarShiftDefinition, i);
      const MarShiftDefinition *next = &g_array_index (plan->shifts, MarShiftDefinition, (i + 1) % n);
      int length = length_of (d, n);

      if (length == 0 || next->start_minute != d->end_minute)
        {
          g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                       _("[%s]: shift %s must end where shift %s begins, and the shifts must follow "
                         "each other in the order of “names”"), group, d->name, next->name);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (g_array_index (plan->shifts, MarShiftDefinition, j).name, d->name))
          {
            g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                         _("[%s]: shift %s is listed twice"), group, d->name);
            return FALSE;
          }
      total += length;
    }
  if (total != MINUTES_PER_DAY)
    {
      g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                   _("[%s]: the shifts must cover the 24 hours of a day exactly once"), group);
      return FALSE;
    }
  return TRUE;
}

MarShiftPlan *
mar_shift_plan_new_from_config (MarConfig   *config,
                                const char  *unit_id,
                                GError     **error)
{
  g_autoptr(MarShiftPlan) plan = NULL;
  g_autofree char *unit_group = unit_id != NULL ? g_strconcat ("shifts:", unit_id, NULL) : NULL;
  g_autofree char *names = NULL;
  g_auto(GStrv) list = NULL;
  const char *group = "shifts";

  g_return_val_if_fail (config != NULL, NULL);

  if (unit_group != NULL && (names = mar_config_dup_string (config, unit_group, "names")) != NULL)
    group = unit_group;
  else if ((names = mar_config_dup_string (config, "shifts", "names")) == NULL)
    return mar_shift_plan_new_default ();

  plan = plan_alloc ();
  list = g_strsplit_set (names, ";,", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *hours = NULL;
      int start, end;

      g_strstrip (list[i]);
      if (*list[i] == '\0')
        continue;
      if (!name_is_valid (list[i]))
        {
          g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                       _("[%s] names: “%s” is not a shift name (lower-case letters, digits and “-”)"),
                       group, list[i]);
          return NULL;
        }
      hours = mar_config_dup_string (config, group, list[i]);
      if (hours == NULL || !parse_hours (hours, &start, &end))
        {
          g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                       _("[%s] %s: expected the shift's hours as HH:MM-HH:MM, such as 07:00-19:00"),
                       group, list[i]);
          return NULL;
        }
      plan_add (plan, list[i], start, end);
    }
  if (plan->shifts->len == 0)
    {
      g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN,
                   _("[%s] names lists no shift"), group);
      return NULL;
    }
  if (!plan_validate (plan, group, error))
    return NULL;
  return g_steal_pointer (&plan);
}

/* Shifts on days -------------------------------------------------------------- */

static void
add_days (int  *year,
          int  *month,
          int  *day,
          int   days)
{
  g_autoptr(GDate) date = g_date_new_dmy ((GDateDay) *day, (GDateMonth) *month, (GDateYear) *year);

  if (days > 0)
    g_date_add_days (date, (guint) days);
  else if (days < 0)
    g_date_subtract_days (date, (guint) -days);
  *year = g_date_get_year (date);
  *month = g_date_get_month (date);
  *day = g_date_get_day (date);
}

static void
shift_on (const MarShiftPlan       *plan,
          const MarShiftDefinition *definition,
          GTimeZone                *time_zone,
          int                       year,
          int                       month,
          int                       day,
          MarShift                 *shift)
{
  int end_year = year, end_month = month, end_day = day;

  /* The end is computed as the next shift's start (same wall time, same
   * day), so neighbouring shifts meet at the same instant. */
  if (length_of (definition, plan->shifts->len) + definition->start_minute >= MINUTES_PER_DAY)
    add_days (&end_year, &end_month, &end_day, 1);
  shift->name = g_strdup (definition->name);
  shift->year = year;
  shift->month = month;
  shift->day = day;
  shift->start = mar_time_from_local (time_zone, year, month, day, definition->start_minute / 60,
                                      definition->start_minute % 60, 0);
  shift->end = mar_time_from_local (time_zone, end_year, end_month, end_day, definition->end_minute / 60,
                                    definition->end_minute % 60, 0);
}

static gboolean
parse_date (const char *text,
            int        *year,
            int        *month,
            int        *day)
{
  guint64 y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = g_ascii_strtoull (text, NULL, 10);
  m = g_ascii_strtoull (text + 5, NULL, 10);
  d = g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y) || y < 1900)
    return FALSE;
  *year = (int) y;
  *month = (int) m;
  *day = (int) d;
  return TRUE;
}

gboolean
mar_shift_plan_resolve (const MarShiftPlan  *plan,
                        GTimeZone           *time_zone,
                        const char          *name,
                        const char          *date,
                        MarShift            *shift,
                        GError             **error)
{
  int year, month, day;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (time_zone != NULL, FALSE);
  g_return_val_if_fail (name != NULL && shift != NULL, FALSE);

  memset (shift, 0, sizeof *shift);
  if (!parse_date (date, &year, &month, &day))
    {
      g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_DATE,
                   _("“%s” is not a date: expected YYYY-MM-DD, such as 2026-01-15"),
                   date != NULL ? date : "");
      return FALSE;
    }
  for (guint i = 0; i < plan->shifts->len; i++)
    {
      const MarShiftDefinition *d = &g_array_index (plan->shifts, MarShiftDefinition, i);

      if (g_str_equal (d->name, name))
        {
          shift_on (plan, d, time_zone, year, month, day, shift);
          return TRUE;
        }
    }
  {
    g_autoptr(GString) names = g_string_new (NULL);

    for (guint i = 0; i < plan->shifts->len; i++)
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                              g_array_index (plan->shifts, MarShiftDefinition, i).name);
    g_set_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_UNKNOWN_SHIFT,
                 _("There is no “%s” shift on this unit (its shifts: %s)"), name, names->str);
  }
  return FALSE;
}

void
mar_shift_plan_find (const MarShiftPlan *plan,
                     GTimeZone          *time_zone,
                     gint64              t,
                     MarShift           *shift)
{
  int year, month, day;

  g_return_if_fail (plan != NULL && time_zone != NULL && shift != NULL);

  memset (shift, 0, sizeof *shift);
  mar_time_to_local (time_zone, t, &year, &month, &day, NULL, NULL, NULL);
  /* A shift that contains t began on t's local date or the day before
   * (the night); the day after only for a plan whose first shift begins
   * in a DST gap that moved it. */
  add_days (&year, &month, &day, -1);
  for (int offset = -1; offset <= 1; offset++)
    {
      for (guint i = 0; i < plan->shifts->len; i++)
        {
          MarShift candidate = { 0 };

          shift_on (plan, &g_array_index (plan->shifts, MarShiftDefinition, i), time_zone,
                    year, month, day, &candidate);
          if (candidate.start <= t && t < candidate.end)
            {
              *shift = candidate;
              return;
            }
          mar_shift_clear (&candidate);
        }
      add_days (&year, &month, &day, 1);
    }
  g_return_if_reached ();
}

void
mar_shift_plan_step (const MarShiftPlan *plan,
                     GTimeZone          *time_zone,
                     const MarShift     *shift,
                     int                 offset,
                     MarShift           *result)
{
  MarShift current = { 0 };

  g_return_if_fail (plan != NULL && shift != NULL && result != NULL);

  mar_shift_copy (shift, &current);
  for (; offset > 0; offset--)
    {
      MarShift next = { 0 };

      mar_shift_plan_find (plan, time_zone, current.end, &next);
      mar_shift_clear (&current);
      current = next;
    }
  for (; offset < 0; offset++)
    {
      MarShift before = { 0 };

      mar_shift_plan_find (plan, time_zone, current.start - 1, &before);
      mar_shift_clear (&current);
      current = before;
    }
  *result = current;
}

void
mar_shift_clear (MarShift *shift)
{
  g_clear_pointer (&shift->name, g_free);
}

void
mar_shift_copy (const MarShift *shift,
                MarShift       *copy)
{
  *copy = *shift;
  copy->name = g_strdup (shift->name);
}

char *
mar_shift_dup_date (const MarShift *shift)
{
  return g_strdup_printf ("%04d-%02d-%02d", shift->year, shift->month, shift->day);
}

char *
mar_shift_dup_name_label (const MarShift *shift)
{
  if (g_strcmp0 (shift->name, "day") == 0)
    return g_strdup (_("Day shift"));
  if (g_strcmp0 (shift->name, "night") == 0)
    return g_strdup (_("Night shift"));
  if (g_strcmp0 (shift->name, "evening") == 0)
    return g_strdup (_("Evening shift"));
  if (g_strcmp0 (shift->name, "early") == 0)
    return g_strdup (_("Early shift"));
  if (g_strcmp0 (shift->name, "late") == 0)
    return g_strdup (_("Late shift"));
  /* TRANSLATORS: a shift whose name the hospital configured, e.g. "swing shift" */
  return g_strdup_printf (_("%s shift"), shift->name);
}

gboolean
mar_shift_spans_offset_change (const MarShift *shift,
                               GTimeZone      *time_zone)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (shift->start);
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_utc (shift->end - 1);
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (start, time_zone);
  g_autoptr(GDateTime) local_last = g_date_time_to_timezone (last, time_zone);

  return g_date_time_get_utc_offset (local_start) != g_date_time_get_utc_offset (local_last);
}

static char *
format_local (gint64      t,
              GTimeZone  *time_zone,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);

  return g_date_time_format (local, format);
}

char *
mar_shift_dup_label (const MarShift *shift,
                     GTimeZone      *time_zone)
{
  g_autofree char *name = mar_shift_dup_name_label (shift);
  g_autofree char *date = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean dst = mar_shift_spans_offset_change (shift, time_zone);
  gint64 hours = (shift->end - shift->start) / 3600;

  {
    g_autoptr(GDateTime) day = g_date_time_new (time_zone, shift->year, shift->month, shift->day, 12, 0, 0);

    /* TRANSLATORS: the date a shift begins on: strftime-like format of GDateTime */
    date = g_date_time_format (day, _("%A %-d %B %Y"));
  }
  from = format_local (shift->start, time_zone, dst ? "%H:%M %Z" : "%H:%M");
  to = format_local (shift->end, time_zone, dst ? "%H:%M %Z" : "%H:%M");
  if (dst)
    {
      g_autofree char *length = g_strdup_printf ("%" G_GINT64_FORMAT, hours);

      /* TRANSLATORS: shift, date, start – end (length in hours) */
      return g_strdup_printf (_("%s, %s, %s – %s (%s h)"), name, date, from, to, length);
    }
  /* TRANSLATORS: shift, date, start–end */
  return g_strdup_printf (_("%s, %s, %s–%s"), name, date, from, to);
}
