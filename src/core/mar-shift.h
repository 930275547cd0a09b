/* mar-shift.h — a unit's nursing shifts on the wall clock
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4, part 9: the shift log is read per unit and shift; shifts are a
 * setting (default 07:00–19:00 day, 19:00–07:00 night) in the unit's time
 * zone. A shift is named by its name and the local date it begins on (the
 * night of 7 March 2026 runs from 19:00 on the 7th to 07:00 on the 8th).
 *
 * Each boundary is a wall-clock time turned into an instant with
 * mar_time_from_local() (RULES.md, Time: a local time that does not exist
 * moves forward, an ambiguous one takes its first occurrence), and one
 * shift's end is computed exactly as the next one's start, so the shifts of
 * a unit tile time without gap or overlap even across daylight-saving
 * changes: the night of 7 March 2026 in New York is 11 hours long, the
 * night of 31 October 2026 13 hours. Periods are half-open: an event at
 * 07:00:00 belongs to the shift that starts at 07:00.
 *
 * Configuration (mar-config.h), for every unit, or per unit in a group
 * named "shifts:<unit Location id>":
 *
 *   [shifts]
 *   names=day;night
 *   day=07:00-19:00
 *   night=19:00-07:00
 *
 * The shifts must cover the 24 hours of a day without gap or overlap.
 */

#pragma once

#include <glib.h>

#include "mar-config.h"

G_BEGIN_DECLS

#define MAR_SHIFT_ERROR (mar_shift_error_quark ())

typedef enum
{
  MAR_SHIFT_ERROR_INVALID_PLAN,   /* the configured shifts cannot be used */
  MAR_SHIFT_ERROR_UNKNOWN_SHIFT,  /* no shift of that name */
  MAR_SHIFT_ERROR_INVALID_DATE,   /* not a YYYY-MM-DD date */
} MarShiftError;

/* One shift of the plan: its name and its wall-clock hours. */
typedef struct
{
  char *name;          /* "day", "night": lower-case letters, digits and '-' */
  int   start_minute;  /* minutes after local midnight, 0–1439 */
  int   end_minute;    /* the next shift's start; ≤ start_minute when it ends the next day */
} MarShiftDefinition;

typedef struct _MarShiftPlan MarShiftPlan;

/* One shift on one day. */
typedef struct
{
  char   *name;
  int     year;          /* the local date it begins on */
  int     month;
  int     day;
  gint64  start;         /* first second, inclusive */
  gint64  end;           /* first second of the next shift: [start, end) */
} MarShift;

GQuark              mar_shift_error_quark        (void);

/* 07:00–19:00 day, 19:00–07:00 night. (transfer full) */
MarShiftPlan       *mar_shift_plan_new_default   (void);
/* The plan of @unit_id ("shifts:<unit_id>"), else [shifts], else the
 * default. (transfer full) NULL with MAR_SHIFT_ERROR_INVALID_PLAN when the
 * setting is malformed or does not cover the day. */
MarShiftPlan       *mar_shift_plan_new_from_config (MarConfig   *config,
                                                    const char  *unit_id,
                                                    GError     **error);
MarShiftPlan       *mar_shift_plan_ref           (MarShiftPlan *plan);
void                mar_shift_plan_unref         (MarShiftPlan *plan);
guint               mar_shift_plan_get_n_shifts  (const MarShiftPlan *plan);
/* (transfer none) in order of the day, starting with the first shift
 * configured. */
const MarShiftDefinition *mar_shift_plan_get_shift (const MarShiftPlan *plan,
                                                    guint               index);

/* The shift @name beginning on the local date @date ("YYYY-MM-DD"). */
gboolean            mar_shift_plan_resolve       (const MarShiftPlan *plan,
                                                  GTimeZone          *time_zone,
                                                  const char         *name,
                                                  const char         *date,
                                                  MarShift           *shift,
                                                  GError            **error);
/* The shift that contains @t. */
void                mar_shift_plan_find          (const MarShiftPlan *plan,
                                                  GTimeZone          *time_zone,
                                                  gint64              t,
                                                  MarShift           *shift);
/* The shift before or after @shift (@offset -1 or +1, or more). */
void                mar_shift_plan_step          (const MarShiftPlan *plan,
                                                  GTimeZone          *time_zone,
                                                  const MarShift     *shift,
                                                  int                 offset,
                                                  MarShift           *result);

void                mar_shift_clear              (MarShift           *shift);
void                mar_shift_copy               (const MarShift     *shift,
                                                  MarShift           *copy);
/* "2026-03-07" (transfer full) */
char               *mar_shift_dup_date           (const MarShift     *shift);
/* "Night shift" for people; the name itself for names without a label. */
char               *mar_shift_dup_name_label     (const MarShift     *shift);
/* "Night shift, Saturday 7 March 2026, 19:00 EST – 07:00 EDT (11 h)":
 * the zone is named when the shift spans a daylight-saving change, the
 * length when it is not the usual one. (transfer full) */
char               *mar_shift_dup_label          (const MarShift     *shift,
                                                  GTimeZone          *time_zone);
/* Whether the shift spans a change of UTC offset (a DST night). */
gboolean            mar_shift_spans_offset_change (const MarShift    *shift,
                                                   GTimeZone         *time_zone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarShiftPlan, mar_shift_plan_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MarShift, mar_shift_clear)

G_END_DECLS
