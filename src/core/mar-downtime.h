/* mar-downtime.h — the downtime printout: the paper MAR nurses fall back to
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8, part 3: when the terminal is down, nurses chart on paper. The
 * printout made before (or at) the downtime lists, for every patient of
 * the unit by bed: who the patient is (name, MRN, birth date, weight), the
 * allergies first and loud, every active or held IV order (drug, dose,
 * route, rate or dose range, schedule or PRN, high-alert and witness
 * marked, held orders marked HELD), the doses of scheduled orders due in
 * the next hours with blank boxes to chart by hand (time given, nurse's
 * and witness's initials), and every bag hanging now (infusing or paused)
 * with its rate, start, volume infused as of printing and bag id.
 *
 * The header says how old the paper is: when it was printed and when the
 * terminal last received data (RULES.md, CACHE_STALE), and which terminal
 * printed it. It is a MarReport (mar-report.h) of kind
 * MAR_REPORT_DOWNTIME with three tables per patient (orders, doses due,
 * bags), each carrying the patient as its group, so the same renderer
 * prints it (mar-report-render.h) and mar_report_to_csv_all() exports it.
 */

#pragma once

#include <glib.h>

#include "mar-record.h"
#include "mar-report.h"
#include "mar-verifier.h"

G_BEGIN_DECLS

/* How far ahead doses are listed unless asked otherwise: a 12-hour shift. */
#define MAR_DOWNTIME_DEFAULT_HOURS 12
/* At most three days: paper older than that is no MAR to chart on. */
#define MAR_DOWNTIME_MAX_HOURS     72

#define MAR_DOWNTIME_ERROR (mar_downtime_error_quark ())

typedef enum
{
  MAR_DOWNTIME_ERROR_INVALID_HOURS,   /* hours ahead above MAR_DOWNTIME_MAX_HOURS */
} MarDowntimeError;

GQuark      mar_downtime_error_quark  (void);

/* The downtime printout of the unit @unit_id (NULL: every patient with an
 * in-progress encounter) at @now, in the verifier's time zone, with the
 * doses due in [@now, @now + @hours_ahead h] (0: the default) and the bags
 * of @record (nullable: only bags charted in the cache). Reads one
 * snapshot of the cache. (transfer full) */
MarReport  *mar_downtime_report_build (MarVerifier  *verifier,
                                       MarRecord    *record,
                                       const char   *unit_id,
                                       gint64        now,
                                       guint         hours_ahead,
                                       GError      **error);

G_END_DECLS
