/* mar-time.c — clinical time: FHIR dates and the unit's local wall clock
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-time"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mar-time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): integer arithmetic, no allocation, valid for any year
 * we meet, so due-time arithmetic stays cheap on the scan path. */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 era, doe, yoe, y, doy, mp;
  int m;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (y + (m <= 2));
  *month = m;
  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && g_date_is_leap_year ((GDateYear) year))
    return 29;
  return days[month - 1];
}

static gint32
offset_at (GTimeZone *tz,
           gint64     utc)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, utc);

  return g_time_zone_get_offset (tz, interval);
}

/* Wall-clock seconds (as if the zone were UTC) to an instant. Every offset
 * the zone has within a day of that wall time is a candidate; a candidate
 * is valid when the zone really has that offset at the resulting instant. */
static gint64
instant_from_wall (GTimeZone *tz,
                   gint64     wall)
{
  gint32 candidates[2];
  gint64 best = G_MAXINT64;
  gboolean found = FALSE;

  candidates[0] = offset_at (tz, wall - 86400);
  candidates[1] = offset_at (tz, wall + 86400);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gint64 utc = wall - candidates[i];

      /* Ambiguous (fall back): both are valid; the first occurrence is the
       * earlier instant. */
      if (offset_at (tz, utc) == candidates[i] && utc < best)
        {
          best = utc;
          found = TRUE;
        }
    }

  if (found)
    return best;

  /* In the gap (spring forward): read the wall time with the offset in force
   * before the transition, which lands it after the gap, moved forward by
   * the gap's length (02:30 becomes 03:30). */
  return wall - candidates[0];
}

gint64
mar_time_from_local (GTimeZone *tz,
                     int        year,
                     int        month,
                     int        day,
                     int        hour,
                     int        minute,
                     int        second)
{
  gint64 wall;

  g_return_val_if_fail (tz != NULL, 0);

  wall = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return instant_from_wall (tz, wall);
}

void
mar_time_to_local (GTimeZone *tz,
                   gint64     t,
                   int       *year,
                   int       *month,
                   int       *day,
                   int       *hour,
                   int       *minute,
                   int       *second)
{
  gint64 wall, days, secs;
  int y, mo, d;

  g_return_if_fail (tz != NULL);

  wall = t + offset_at (tz, t);
  days = wall >= 0 ? wall / 86400 : (wall - 86399) / 86400;
  secs = wall - days * 86400;
  civil_from_days (days, &y, &mo, &d);

  if (year) *year = y;
  if (month) *month = mo;
  if (day) *day = d;
  if (hour) *hour = (int) (secs / 3600);
  if (minute) *minute = (int) (secs % 3600 / 60);
  if (second) *second = (int) (secs % 60);
}

gint64
mar_time_start_of_day (GTimeZone *tz,
                       gint64     t)
{
  int y, mo, d;

  mar_time_to_local (tz, t, &y, &mo, &d, NULL, NULL, NULL);
  return mar_time_from_local (tz, y, mo, d, 0, 0, 0);
}

gint64
mar_time_end_of_day (GTimeZone *tz,
                     gint64     t)
{
  int y, mo, d;
  gint64 next;

  mar_time_to_local (tz, t, &y, &mo, &d, NULL, NULL, NULL);
  civil_from_days (days_from_civil (y, mo, d) + 1, &y, &mo, &d);
  next = mar_time_from_local (tz, y, mo, d, 0, 0, 0);
  return next - 1;
}

static gboolean
read_digits (const char **p,
             int          n,
             int         *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

/* Parses "hh:mm[:ss[.fff]]" then an optional "Z" / "±hh:mm". */
static gboolean
parse_time_part (const char **p,
                 gboolean     seconds_required,
                 int         *hour,
                 int         *minute,
                 int         *second,
                 gboolean    *has_offset,
                 int         *offset_seconds)
{
  const char *s = *p;

  *second = 0;
  *has_offset = FALSE;
  *offset_seconds = 0;

  if (!read_digits (&s, 2, hour) || *s++ != ':' || !read_digits (&s, 2, minute))
    return FALSE;
  if (*s == ':')
    {
      s++;
      if (!read_digits (&s, 2, second))
        return FALSE;
      if (*s == '.')
        {
          s++;
          if (!g_ascii_isdigit (*s))
            return FALSE;
          while (g_ascii_isdigit (*s))
            s++;
        }
    }
  else if (seconds_required)
    return FALSE;

  /* FHIR allows 24:00? It does not (hh 00-23); 60 seconds only for leap seconds, which we fold. */
  if (*hour > 23 || *minute > 59 || *second > 60)
    return FALSE;
  if (*second == 60)
    *second = 59;

  if (*s == 'Z')
    {
      s++;
      *has_offset = TRUE;
    }
  else if (*s == '+' || *s == '-')
    {
      int sign = *s == '-' ? -1 : 1;
      int oh, om;

      s++;
      if (!read_digits (&s, 2, &oh))
        return FALSE;
      if (*s == ':')
        s++;
      if (!read_digits (&s, 2, &om) || oh > 14 || om > 59)
        return FALSE;
      *has_offset = TRUE;
      *offset_seconds = sign * (oh * 3600 + om * 60);
    }

  *p = s;
  return TRUE;
}

static gboolean
parse_date_part (const char **p,
                 int         *year,
                 int         *month,
                 int         *day,
                 MarTimePrecision *precision)
{
  const char *s = *p;

  *month = 1;
  *day = 1;
  if (!read_digits (&s, 4, year))
    return FALSE;
  *precision = MAR_TIME_PRECISION_YEAR;
  if (*s == '-')
    {
      s++;
      if (!read_digits (&s, 2, month) || *month < 1 || *month > 12)
        return FALSE;
      *precision = MAR_TIME_PRECISION_MONTH;
      if (*s == '-')
        {
          s++;
          if (!read_digits (&s, 2, day) || *day < 1 || *day > days_in_month (*year, *month))
            return FALSE;
          *precision = MAR_TIME_PRECISION_DAY;
        }
    }
  *p = s;
  return TRUE;
}

gboolean
mar_time_parse_fhir (const char       *text,
                     GTimeZone        *tz,
                     gint64           *start,
                     gint64           *end,
                     MarTimePrecision *precision)
{
  const char *s = text;
  int year, month, day, hour, minute, second, offset;
  gboolean has_offset;
  MarTimePrecision prec;
  gint64 first, last;

  g_return_val_if_fail (tz != NULL, FALSE);

  if (text == NULL || !parse_date_part (&s, &year, &month, &day, &prec))
    return FALSE;

  if (*s == 'T')
    {
      s++;
      if (prec != MAR_TIME_PRECISION_DAY ||
          !parse_time_part (&s, TRUE, &hour, &minute, &second, &has_offset, &offset) ||
          *s != '\0')
        return FALSE;

      if (has_offset)
        first = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
      else
        first = mar_time_from_local (tz, year, month, day, hour, minute, second);
      last = first;
      prec = MAR_TIME_PRECISION_SECOND;
    }
  else
    {
      int ey = year, em = month, ed = day;

      if (*s != '\0')
        return FALSE;
      first = mar_time_from_local (tz, year, month, day, 0, 0, 0);
      switch (prec)
        {
        case MAR_TIME_PRECISION_YEAR:
          ey = year + 1; em = 1; ed = 1;
          break;
        case MAR_TIME_PRECISION_MONTH:
          civil_from_days (days_from_civil (year, month, days_in_month (year, month)) + 1, &ey, &em, &ed);
          break;
        case MAR_TIME_PRECISION_DAY:
        case MAR_TIME_PRECISION_SECOND:
        default:
          civil_from_days (days_from_civil (year, month, day) + 1, &ey, &em, &ed);
          break;
        }
      last = mar_time_from_local (tz, ey, em, ed, 0, 0, 0) - 1;
    }

  if (start)
    *start = first;
  if (end)
    *end = last;
  if (precision)
    *precision = prec;
  return TRUE;
}

gboolean
mar_time_parse_user (const char *text,
                     GTimeZone  *tz,
                     gint64     *out)
{
  const char *s = text;
  int year, month, day, hour, minute, second, offset;
  gboolean has_offset;
  MarTimePrecision prec;

  g_return_val_if_fail (tz != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  if (!parse_date_part (&s, &year, &month, &day, &prec) || prec != MAR_TIME_PRECISION_DAY)
    return FALSE;
  if (*s != 'T' && *s != 't' && *s != ' ')
    return FALSE;
  s++;
  if (!parse_time_part (&s, FALSE, &hour, &minute, &second, &has_offset, &offset))
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  if (*s != '\0')
    return FALSE;

  if (has_offset)
    *out = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  else
    *out = mar_time_from_local (tz, year, month, day, hour, minute, second);
  return TRUE;
}

char *
mar_time_format_iso (gint64     t,
                     GTimeZone *tz)
{
  int y, mo, d, h, mi, s;
  gint32 off;
  char sign;

  g_return_val_if_fail (tz != NULL, NULL);

  mar_time_to_local (tz, t, &y, &mo, &d, &h, &mi, &s);
  off = offset_at (tz, t);
  sign = off < 0 ? '-' : '+';
  if (off < 0)
    off = -off;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                          y, mo, d, h, mi, s, sign, off / 3600, off % 3600 / 60);
}

char *
mar_time_format_utc (gint64 t)
{
  gint64 days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  gint64 secs = t - days * 86400;
  int y, mo, d;

  civil_from_days (days, &y, &mo, &d);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
                          (int) (secs / 3600), (int) (secs % 3600 / 60), (int) (secs % 60));
}
