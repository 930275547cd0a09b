/* mar-format.c — times, dates and numbers as the nurse's locale writes them
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-format"

#include "config.h"

#include "mar-format.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
mar_format_clock (GTimeZone *tz,
                  gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  /* Translators: a clock time (strftime); hospitals chart on the 24-hour clock. */
  return g_date_time_format (local, C_("clock", "%H:%M"));
}

char *
mar_format_day_and_clock (GTimeZone *tz,
                          gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  /* Translators: the header's date and time (strftime). */
  return g_date_time_format (local, C_("clock", "%a %-d %b, %H:%M"));
}

char *
mar_format_date_and_clock (GTimeZone *tz,
                           gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  /* Translators: a date and time without the weekday (strftime): "21 Nov, 18:08". */
  return g_date_time_format (local, C_("clock", "%-d %b, %H:%M"));
}

char *
mar_format_birth_date (const char *birth_date)
{
  int year = 0, month = 0, day = 0;
  int n;
  g_autoptr(GDateTime) date = NULL;

  if (birth_date == NULL)
    return g_strdup (_("Unknown"));
  n = sscanf (birth_date, "%4d-%2d-%2d", &year, &month, &day);
  if (n < 1)
    return g_strdup (birth_date);
  if (n == 1)
    return g_strdup_printf ("%d", year);

  date = g_date_time_new_utc (year, month, n == 3 ? day : 1, 0, 0, 0);
  if (date == NULL)
    return g_strdup (birth_date);
  if (n == 2)
    /* Translators: a birth date with month and year only (strftime). */
    return g_date_time_format (date, C_("birth date", "%b %Y"));
  /* Translators: a birth date (strftime): the month by name, so that it
   * cannot be misread in the two-identifier check. */
  return g_date_time_format (date, C_("birth date", "%-d %b %Y"));
}

int
mar_format_age_years (const char *birth_date,
                      GTimeZone  *tz,
                      gint64      now)
{
  int year = 0, month = 1, day = 1;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  int age;

  if (birth_date == NULL || sscanf (birth_date, "%4d-%2d-%2d", &year, &month, &day) < 1)
    return -1;
  utc = g_date_time_new_from_unix_utc (now);
  local = g_date_time_to_timezone (utc, tz);
  age = g_date_time_get_year (local) - year;
  if (g_date_time_get_month (local) < month ||
      (g_date_time_get_month (local) == month && g_date_time_get_day_of_month (local) < day))
    age--;
  return age;
}

char *
mar_format_number (double value,
                   int    decimals)
{
  char *text;
  const char *point = localeconv ()->decimal_point;

  /* The ' flag groups thousands the locale's way. */
  text = g_strdup_printf ("%'.*f", decimals, value);
  if (decimals > 0 && point != NULL && *point != '\0')
    {
      char *dot = strstr (text, point);

      if (dot != NULL)
        {
          char *end = text + strlen (text);

          while (end > dot + strlen (point) && end[-1] == '0')
            *--end = '\0';
          if (end == dot + strlen (point))
            *dot = '\0';
        }
    }
  if (g_str_equal (text, "-0"))
    {
      g_free (text);
      text = g_strdup ("0");
    }
  return text;
}

char *
mar_format_duration (gint64 seconds)
{
  gint64 minutes = (MAX (seconds, 0) + 59) / 60;

  if (minutes < 60)
    /* Translators: a duration in minutes. */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes % 60 == 0)
    /* Translators: a duration in whole hours. */
    return g_strdup_printf (_("%d h"), (int) (minutes / 60));
  /* Translators: a duration in hours and minutes. */
  return g_strdup_printf (_("%d h %d min"), (int) (minutes / 60), (int) (minutes % 60));
}

gboolean
mar_parse_number (const char *text,
                  double     *value)
{
  g_autofree char *copy = NULL;
  const char *point = localeconv ()->decimal_point;
  char *end = NULL;
  double v;

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return FALSE;
  /* The keypad types the locale's separator; a point from a keyboard is
   * taken too. Grouping separators are not accepted: "1,5" in Spanish is
   * one and a half, and never fifteen. */
  if (point != NULL && strlen (point) == 1 && *point != '.')
    for (char *p = copy; *p != '\0'; p++)
      if (*p == *point)
        *p = '.';
  v = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}
