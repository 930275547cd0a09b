/* mar-label-sheet.h — the printable label sheet of a ward, from its spec
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A label spec (data/demo/labels.json, documented in data/demo/README.md)
 * lists wristbands, manufacturers' IV bag labels, pharmacy bag labels and
 * staff badges. Dates on bags are relative (days to expiry, minutes to the
 * beyond-use time), so a sheet printed today carries today's dates, like
 * the demo ward moved to now. marctl labels and the app's "Print labels"
 * both use this, so the two sheets are the same.
 */

#pragma once

#include <gio/gio.h>

#include "mar-label.h"

G_BEGIN_DECLS

/* (element-type MarLabel) (transfer full) Labels of the spec at @path,
 * dated as if printed at @now in @tz; NULL with @error for a malformed
 * spec or data that cannot be encoded (the message names the label). */
GPtrArray  *mar_label_sheet_load_spec  (const char  *path,
                                        gint64       now,
                                        GTimeZone   *tz,
                                        GError     **error);

/* The demo ward's spec: installed in PKGDATADIR, else the source tree's. */
char       *mar_label_sheet_dup_demo_spec_path (void);

G_END_DECLS
