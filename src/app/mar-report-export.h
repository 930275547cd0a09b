/* mar-report-export.h — a report (mar-report.h) to a file or to the printer
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8 part 3: the charge nurse's shift log and reports, and any other
 * MarReport the app prints (the downtime printout), leave the terminal as
 * CSV, as PDF, or on paper through GtkPrintOperation — always laid out by
 * libmarreport (src/report/mar-report-render.h), the renderer
 * `marctl shiftlog` uses, so screen, file and paper say the same thing.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-report.h"
#include "mar-report-render.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_REPORT_FORMAT_CSV = 0,   /* the report's first table, RFC 4180 (mar_report_to_csv) */
  MAR_REPORT_FORMAT_PDF,       /* every page, landscape (mar_report_to_pdf) */
} MarReportFormat;

/* "csv", "pdf". */
const char     *mar_report_format_to_string      (MarReportFormat   format);
gboolean        mar_report_format_from_string    (const char       *text,
                                                  MarReportFormat  *format);

/* The paper of this terminal's locale (GTK's default paper size): US
 * Letter where it is used, A4 elsewhere. */
MarReportPaper  mar_report_export_get_paper      (void);

/* "shift-log-4-west-2026-01-15-day.pdf": what the file chooser proposes.
 * (transfer full) */
char           *mar_report_export_dup_file_name  (MarReport        *report,
                                                  MarReportFormat   format);

/* Writes @report to @path (replacing it atomically). */
gboolean        mar_report_export_to_file        (MarReport        *report,
                                                  const char       *path,
                                                  MarReportFormat   format,
                                                  GError          **error);

/* Asks where to save (a native file chooser), then writes the file.
 * Finishes with the path written, or G_IO_ERROR_CANCELLED when the person
 * cancelled. */
void            mar_report_export_save_async     (GtkWindow           *parent,
                                                  MarReport           *report,
                                                  MarReportFormat      format,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char           *mar_report_export_save_finish    (GAsyncResult        *result,
                                                  GError             **error);

/* Prints @report with the print dialog (landscape, the locale's paper),
 * each page drawn by mar_report_layout_render_page(). Returns at once. */
void            mar_report_export_print          (GtkWindow        *parent,
                                                  MarReport        *report);
/* The same print operation without a dialog, exported to a PDF at @path
 * (GTK_PRINT_OPERATION_ACTION_EXPORT): what tests check of printing. */
gboolean        mar_report_export_print_to_file  (MarReport        *report,
                                                  const char       *path,
                                                  GError          **error);

G_END_DECLS
