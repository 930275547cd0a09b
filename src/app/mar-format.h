/* mar-format.h — times, dates and numbers as the nurse's locale writes them
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7: dates and numbers follow the locale. Clock times are shown on
 * the 24-hour clock in the unit's time zone (the clock the ward's orders
 * are written in); dates with the month's name, so that 03/04 can never
 * be read as the wrong day in the two-identifier check.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "14:05" in @tz. */
char     *mar_format_clock         (GTimeZone  *tz,
                                    gint64      t);
/* "Thu 15 Jan, 14:05" in @tz. */
char     *mar_format_day_and_clock (GTimeZone  *tz,
                                    gint64      t);
/* "21 Nov, 18:08" in @tz. */
char     *mar_format_date_and_clock (GTimeZone *tz,
                                     gint64     t);
/* A FHIR birth date (YYYY, YYYY-MM or YYYY-MM-DD) as "14 Mar 1958". */
char     *mar_format_birth_date    (const char *birth_date);
/* Age in whole years at @now in @tz, or -1. */
int       mar_format_age_years     (const char *birth_date,
                                    GTimeZone  *tz,
                                    gint64      now);
/* "1,250.5" (en), "1.250,5" (es): at most @decimals decimals, no trailing zeros. */
char     *mar_format_number        (double      value,
                                    int         decimals);
/* "2 h 35 min", "40 min". */
char     *mar_format_duration      (gint64      seconds);
/* Parses a number typed on the keypad in the locale's notation (the
 * decimal separator of the locale, or a point). FALSE when it is not one. */
gboolean  mar_parse_number         (const char *text,
                                    double     *value);

G_END_DECLS
