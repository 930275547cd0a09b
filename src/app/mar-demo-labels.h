/* mar-demo-labels.h — the demo ward's printable label sheet
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/demo/labels.json (format bedside-mar-demo-labels, data/demo/
 * README.md) laid out with the scanning library's labels (mar-label.h):
 * wristbands, IV bags, pharmacy labels and badges, so that a newcomer can
 * try the whole flow with a scanner or a webcam. Dates that the demo
 * writes relative to "now" (a bag's expiry, a pharmacy label's beyond-use
 * time) are printed for @now in the unit's time zone.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MAR_DEMO_LABELS_ERROR (mar_demo_labels_error_quark ())

typedef enum
{
  MAR_DEMO_LABELS_ERROR_FORMAT,   /* not a bedside-mar-demo-labels file */
} MarDemoLabelsError;

GQuark     mar_demo_labels_error_quark (void);

/* (element-type MarLabel) (transfer full) */
GPtrArray *mar_demo_labels_load        (const char  *path,
                                        GTimeZone   *time_zone,
                                        gint64       now,
                                        GError     **error);
/* Loads @path and writes the sheet (Letter paper) to @pdf_path. */
gboolean   mar_demo_labels_write_pdf   (const char  *path,
                                        const char  *pdf_path,
                                        GTimeZone   *time_zone,
                                        gint64       now,
                                        GError     **error);

G_END_DECLS
