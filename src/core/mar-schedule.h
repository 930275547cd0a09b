/* mar-schedule.h — due times of an order in the unit's local time zone
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md, Time: due times come from `timing.event`, else `timeOfDay` on
 * each day, else bounds start (or authoredOn) + k·period/frequency, in the
 * unit's local time zone, within boundsPeriod and repeat.count. The
 * arithmetic is on the wall clock (a q6h order is due at 00, 06, 12, 18 on
 * every day, DST or not); each wall-clock time becomes an instant through
 * mar_time_from_local(), so a local time that does not exist moves forward
 * and an ambiguous one takes its first occurrence, and two wall times that
 * land on the same instant are one due time.
 *
 * Stat, first and loading doses (priority stat, repeat.count 1, a single
 * event, or an order without any timing) are one due time (ONE_TIME).
 * PRN and continuous orders have none (NONE).
 *
 * A MarSchedule is a small plain struct that borrows the order and the
 * time zone; building one allocates nothing, and the nearest due time is
 * found without walking the whole order (it is on the scan path).
 */

#pragma once

#include <glib.h>

#include "mar-drug-library.h"
#include "mar-model.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_SCHEDULE_NONE = 0,        /* PRN or continuous: no due times */
  MAR_SCHEDULE_ONE_TIME,        /* stat / first / loading / once: one due time */
  MAR_SCHEDULE_EVENTS,          /* timing.event */
  MAR_SCHEDULE_TIMES_OF_DAY,    /* repeat.timeOfDay on each (N-th) day */
  MAR_SCHEDULE_INTERVAL,        /* start + k·period/frequency */
  MAR_SCHEDULE_UNREADABLE,      /* a timing that gives no due times (frequency without period...) */
} MarScheduleKind;

typedef struct
{
  MarScheduleKind  kind;
  const MarOrder  *order;       /* borrowed */
  GTimeZone       *time_zone;   /* borrowed */
  gint64           start;       /* first instant a due time may fall on, or MAR_TIME_UNSET */
  gint64           end;         /* last instant (boundsPeriod.end), or MAR_TIME_UNSET */
  int              count;       /* repeat.count, 0 when unlimited */
  gint64           interval;    /* seconds between doses (the shortest gap); 0 for ONE_TIME */
  /* INTERVAL */
  gint64           anchor_wall; /* local wall-clock seconds of the start */
  gint64           step;        /* wall-clock seconds per dose, or 0 when stepping by months */
  int              step_months;
  /* TIMES_OF_DAY */
  int              day_period;  /* every N days */
  /* ONE_TIME */
  gint64           due;
  gboolean         due_at_order; /* due when ordered (stat/first/loading): never early */
} MarSchedule;

/* How far from a due time a dose is on time (RULES.md, Time). */
typedef struct
{
  int      minutes;     /* the ± people are shown (late side for first doses) */
  gboolean never_early; /* stat / first / loading due when ordered: no early side */
  gint64   early;       /* seconds before the due time still on time */
  gint64   late;        /* seconds after the due time still on time */
  /* Seconds before the first due time from which the order counts as
   * started (ORDER_NOT_STARTED before that): the early window, except for
   * a one-time dose scheduled later than it was ordered, which is never
   * on time early but may be given early with a reason within the daily
   * window. */
  gint64   start_early;
} MarDueWindow;

/* Fills @schedule for @order; never fails (see kind). */
void      mar_schedule_init         (MarSchedule          *schedule,
                                     const MarOrder       *order,
                                     GTimeZone            *time_zone);

/* ±30 min for time-critical orders (the drug library's list, or priority
 * stat) or more often than every 4 h; ±60 min from every 4 h up to more
 * often than daily; ±120 min daily or rarer; stat / first / loading doses
 * are due when ordered, never early, and late after 30 min. A one-time
 * dose scheduled later than it was ordered is late after 30 min and early
 * from its first second (see start_early). */
void      mar_schedule_get_window   (const MarSchedule    *schedule,
                                     const MarTimeWindows *windows,
                                     gboolean              time_critical,
                                     MarDueWindow         *window);

/* The due time nearest to @t (ties go to the earlier one, so that a dose
 * already charted is caught); FALSE when there is none. */
gboolean  mar_schedule_nearest_due  (const MarSchedule    *schedule,
                                     gint64                t,
                                     gint64               *due);
/* The first and, when the schedule ends, the last due time. */
gboolean  mar_schedule_first_due    (const MarSchedule    *schedule,
                                     gint64               *due);
gboolean  mar_schedule_last_due     (const MarSchedule    *schedule,
                                     gint64               *due);
/* The due time after @due (strictly later), if any. */
gboolean  mar_schedule_next_due     (const MarSchedule    *schedule,
                                     gint64                due,
                                     gint64               *next);
/* Due times in [@from, @to], ascending. (element-type gint64) (transfer full) */
GArray   *mar_schedule_list_due     (const MarSchedule    *schedule,
                                     gint64                from,
                                     gint64                to);

/* Charting ----------------------------------------------------------- */

/* A charted administration that gave (or is giving) drug: completed,
 * in-progress, on-hold (paused) or stopped; not not-done, entered-in-error
 * or removed. */
gboolean  mar_administration_counts_as_given (const MarAdministration *administration);
/* The due time an administration charted: its due_time, else the due time
 * nearest its start. MAR_TIME_UNSET when there is none. */
gint64    mar_schedule_charted_due  (const MarSchedule       *schedule,
                                     const MarAdministration *administration);
/* Missed doses for the shift log (RULES.md, Time): due times in
 * [@from, @to] that no administration of this order in @administrations
 * (const MarAdministration *, any orders; others are skipped) charted —
 * any that counts as given charts its due time, a partial container too —
 * whose window closed before @now while the next due time is nearer to
 * @now. The last due time of a schedule that ended is missed once its
 * window closed. (element-type gint64) (transfer full) */
GArray   *mar_schedule_list_missed  (const MarSchedule       *schedule,
                                     const MarDueWindow      *window,
                                     GPtrArray               *administrations,
                                     gint64                   from,
                                     gint64                   to,
                                     gint64                   now);

G_END_DECLS
