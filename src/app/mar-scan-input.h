/* mar-scan-input.h — a keyboard-wedge scanner on any screen of a window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows the contract of mar-wedge.h: every key press of the window goes
 * to the wedge in the capture phase, before any widget sees it, so a scan
 * never lands in a text field whatever has the focus; a person's keys are
 * released to the focused field as typed. The window learns of scans
 * through ::scanned, whichever screen is showing (issue 7: scan anywhere).
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-wedge.h"

G_BEGIN_DECLS

#define MAR_TYPE_SCAN_INPUT (mar_scan_input_get_type ())
G_DECLARE_FINAL_TYPE (MarScanInput, mar_scan_input, MAR, SCAN_INPUT, GObject)

/* Watches @window's keys. @config NULL: the wedge defaults. */
MarScanInput *mar_scan_input_new           (GtkWindow            *window,
                                            const MarWedgeConfig *config);
/* Feeds one key as if @window received it at @time_us (tests and the
 * benchmark drive the real path without an X server's timing). Returns
 * TRUE when the key was swallowed. */
gboolean      mar_scan_input_feed_key      (MarScanInput         *self,
                                            guint                 keyval,
                                            gunichar              ch,
                                            gint64                time_us);
/* Whether the wedge holds no key (nothing waits to be judged). */
gboolean      mar_scan_input_is_idle       (MarScanInput         *self);
/* The time (g_get_monotonic_time) the last scan's last key was handled. */
gint64        mar_scan_input_get_last_scan_time (MarScanInput    *self);

G_END_DECLS
