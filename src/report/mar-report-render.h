/* mar-report-render.h — the shift log and reports on paper: cairo + Pango, page by page
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One renderer for `marctl shiftlog --format pdf`, `marctl report … --format
 * pdf` and the charge nurse's print operation (issue 8): it lays a
 * MarReport (mar-report.h) out on pages of any size and draws any page on
 * any cairo_t — a PDF surface here, a GtkPrintContext's cairo_t in the GUI:
 *
 *   begin-print:  layout = mar_report_layout_new (report, cr, width, height);
 *                 gtk_print_operation_set_n_pages (op, mar_report_layout_get_n_pages (layout));
 *   draw-page:    mar_report_layout_render_page (layout, cr, page_nr);
 *
 * (with gtk_print_operation_set_unit (op, GTK_UNIT_POINTS): the renderer
 * works in points, one user-space unit per point).
 *
 * Every page carries the report's title, the unit, the shift and the
 * sign-off at the top, and the print time and "Page N of M" at the bottom.
 * Tables continue across pages with their heading and column headings
 * repeated; cells wrap (word, then character) and a row is never split, so
 * no text is clipped. Flagged rows (missed dose, reaction, override…) carry
 * a bar in the margin that survives black-and-white printing; rows entered
 * in error are struck through, never left out.
 *
 * The library is separate from the core so that the core needs no cairo.
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "mar-report.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_REPORT_PAPER_A4 = 0,
  MAR_REPORT_PAPER_LETTER,
} MarReportPaper;

/* "a4", "letter". */
gboolean          mar_report_paper_from_string  (const char      *text,
                                                 MarReportPaper  *paper);
/* The page in points, landscape (the shift log is a wide table). */
void              mar_report_paper_get_size     (MarReportPaper   paper,
                                                 double          *width,
                                                 double          *height);

typedef struct _MarReportLayout MarReportLayout;

/* Lays @report out on pages of @width × @height points, measuring text
 * with @cr's font options. (transfer full) */
MarReportLayout  *mar_report_layout_new         (MarReport       *report,
                                                 cairo_t         *cr,
                                                 double           width,
                                                 double           height);
void              mar_report_layout_free        (MarReportLayout *layout);
guint             mar_report_layout_get_n_pages (MarReportLayout *layout);
/* Draws page @page (0-based) on @cr, whose origin is the page's top left. */
void              mar_report_layout_render_page (MarReportLayout *layout,
                                                 cairo_t         *cr,
                                                 guint            page);

/* The same without keeping a layout (each call lays the report out). */
guint             mar_report_get_n_pages        (MarReport       *report,
                                                 cairo_t         *cr,
                                                 double           width,
                                                 double           height);
void              mar_report_render_page        (MarReport       *report,
                                                 cairo_t         *cr,
                                                 guint            page,
                                                 double           width,
                                                 double           height);

/* The whole report as a PDF document, landscape @paper. (transfer full) */
GBytes           *mar_report_to_pdf             (MarReport       *report,
                                                 MarReportPaper   paper,
                                                 GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarReportLayout, mar_report_layout_free)

G_END_DECLS
