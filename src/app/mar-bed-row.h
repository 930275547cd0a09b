/* mar-bed-row.h — one bed of the unit board
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bed, patient, allergy flag, the bags running (drug, rate, time and
 * volume left), IV doses due or overdue and the unsynced marker (issue 7,
 * 2), each state in words and an icon as well as colour.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-patient-summary.h"

G_BEGIN_DECLS

#define MAR_TYPE_BED_ROW (mar_bed_row_get_type ())
G_DECLARE_FINAL_TYPE (MarBedRow, mar_bed_row, MAR, BED_ROW, GtkListBoxRow)

/* Takes nothing from @summary: what it shows is copied. */
GtkWidget  *mar_bed_row_new            (const MarPatientSummary *summary,
                                        GTimeZone               *time_zone,
                                        gint64                   now);
const char *mar_bed_row_get_patient_id (MarBedRow               *self);

/* Widgets shared by the board and the patient page. */
GtkWidget  *mar_allergy_flag_new       (const MarPatientSummary *summary,
                                        gboolean                 large);
GtkWidget  *mar_due_dose_label_new     (const MarDueDose        *dose,
                                        GTimeZone               *time_zone);
GtkWidget  *mar_running_label_new      (const MarRunningInfusion *running);

G_END_DECLS
