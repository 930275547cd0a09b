/* mar-time.h — clinical time: FHIR dates and the unit's local wall clock
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Times are Unix seconds (UTC). Wall-clock rules (due times, the end of an
 * expiry day) are applied in the unit's time zone, which the caller passes:
 * nothing here reads the clock or the TZ environment variable by itself.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MAR_TIME_PRECISION_YEAR,
  MAR_TIME_PRECISION_MONTH,
  MAR_TIME_PRECISION_DAY,
  MAR_TIME_PRECISION_SECOND,
} MarTimePrecision;

/* A FHIR date or dateTime ("2026", "2026-03", "2026-03-08",
 * "2026-03-08T02:30:00-05:00", "2026-03-08T07:30:00Z"). A partial date or a
 * dateTime without an offset is taken in @tz. @start receives the first
 * second it covers, @end (nullable) the last one. FALSE for anything else,
 * with nothing written. */
gboolean mar_time_parse_fhir     (const char       *text,
                                  GTimeZone        *tz,
                                  gint64           *start,
                                  gint64           *end,
                                  MarTimePrecision *precision);

/* The instant a local wall-clock time names in @tz. RULES.md, Time: a local
 * time that does not exist (spring forward) moves forward by the gap; an
 * ambiguous one (fall back) takes its first occurrence. */
gint64   mar_time_from_local     (GTimeZone        *tz,
                                  int               year,
                                  int               month,
                                  int               day,
                                  int               hour,
                                  int               minute,
                                  int               second);

/* Local midnight that starts the day containing @t, and the last second of
 * that day (23 or 25 hours long on DST days). */
gint64   mar_time_start_of_day   (GTimeZone        *tz,
                                  gint64            t);
gint64   mar_time_end_of_day     (GTimeZone        *tz,
                                  gint64            t);

/* The local calendar date and time of @t in @tz (any out-pointer may be NULL). */
void     mar_time_to_local       (GTimeZone        *tz,
                                  gint64            t,
                                  int              *year,
                                  int              *month,
                                  int              *day,
                                  int              *hour,
                                  int              *minute,
                                  int              *second);

/* ISO 8601 with the local offset: "2026-11-22T07:00:00-05:00". */
char    *mar_time_format_iso     (gint64            t,
                                  GTimeZone        *tz);
/* ISO 8601 in UTC: "2026-11-22T12:00:00Z" (FHIR instants we write). */
char    *mar_time_format_utc     (gint64            t);

/* Parses what people and scripts type for --at: ISO 8601 with or without
 * an offset ("2026-11-22T08:00", "2026-11-22 08:00:00", "...Z", "...+01:00");
 * no offset means @tz. FALSE when it is not a date-time. */
gboolean mar_time_parse_user     (const char       *text,
                                  GTimeZone        *tz,
                                  gint64           *out);

G_END_DECLS
