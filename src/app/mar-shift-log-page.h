/* mar-shift-log-page.h — the charge nurse's shift log: every event, the summary, the timeline, sign-off
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8 parts 1–3 (docs/shift-log.md, docs/app.md "Shift log"). A page
 * for charge nurses (mar_application_add_role_page): pick the unit, date
 * and shift; the log loads in a worker thread (mar_shift_log_load_async)
 * and shows as summary cards, a sortable, filterable GtkColumnView of
 * every event, and a per-patient timeline of the bags with the IV intake.
 * The charge nurse adds review notes to events and signs the shift off
 * with badge and PIN on the spot; the log and each report leave as CSV,
 * PDF or paper (mar-report-export.h). Every figure comes from the core.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-report-export.h"
#include "mar-shift-log.h"
#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_SHIFT_LOG_PAGE (mar_shift_log_page_get_type ())
G_DECLARE_FINAL_TYPE (MarShiftLogPage, mar_shift_log_page, MAR, SHIFT_LOG_PAGE, GtkWidget)

/* The page of the charge nurse @signature (who writes the review notes),
 * loading this terminal's unit and the current shift. */
GtkWidget        *mar_shift_log_page_new            (MarTerminal     *terminal,
                                                     MarSignature    *signature);
/* Loads @unit (a Location id or name; NULL: this terminal's) for @shift
 * (NULL: the current one) in the background. */
void              mar_shift_log_page_load           (MarShiftLogPage *self,
                                                     const char      *unit,
                                                     const MarShift  *shift);
gboolean          mar_shift_log_page_is_loading     (MarShiftLogPage *self);
/* (nullable) (transfer none) the log shown. */
MarShiftLog      *mar_shift_log_page_get_log        (MarShiftLogPage *self);
/* The events the filters let through (the "N of M events"). */
guint             mar_shift_log_page_get_n_shown    (MarShiftLogPage *self);
/* Sets the filter dropdowns: a patient id, a nurse (staff) id, a flag;
 * NULL / MAR_SHIFT_FLAG_NONE for all. FALSE when one is not in the log. */
gboolean          mar_shift_log_page_set_filter     (MarShiftLogPage *self,
                                                     const char      *patient_id,
                                                     const char      *nurse_id,
                                                     MarShiftFlags    flag);
/* Selects the event @key in the list (clearing filters that hide it). */
gboolean          mar_shift_log_page_select_event   (MarShiftLogPage *self,
                                                     const char      *key);
/* The selected event's review note, as "Save note" does. */
gboolean          mar_shift_log_page_add_note       (MarShiftLogPage *self,
                                                     const char      *text,
                                                     GError         **error);
/* A badge scanned while the sign-off form is open. FALSE otherwise. */
gboolean          mar_shift_log_page_take_badge     (MarShiftLogPage *self,
                                                     const char      *badge);
/* Signs off with @badge and @pin, as the sign-off form does. */
gboolean          mar_shift_log_page_sign_off       (MarShiftLogPage *self,
                                                     const char      *badge,
                                                     const char      *pin,
                                                     GError         **error);
/* Writes the log (@kind MAR_REPORT_SHIFT_LOG) or a report to @path. */
gboolean          mar_shift_log_page_export         (MarShiftLogPage *self,
                                                     MarReportKind    kind,
                                                     MarReportFormat  format,
                                                     const char      *path,
                                                     GError         **error);

G_END_DECLS
