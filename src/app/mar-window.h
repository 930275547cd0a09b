/* mar-window.h — the bedside terminal's window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header (nurse, unit, clock, sync status), the offline banner, the
 * sign-in page and the signed-in member of staff's workspace. Scanner
 * input is watched on the whole window (mar-scan-input.h) and routed to
 * whatever is on screen. After a period without use (GSettings
 * auto-lock-seconds, 2 minutes by default) the window locks back to the
 * sign-in page; the workspace is parked for its owner (mar-workspace.h).
 */

#pragma once

#include <adwaita.h>

#include "mar-application.h"
#include "mar-scan-input.h"
#include "mar-workspace.h"

G_BEGIN_DECLS

#define MAR_TYPE_WINDOW (mar_window_get_type ())
G_DECLARE_FINAL_TYPE (MarWindow, mar_window, MAR, WINDOW, AdwApplicationWindow)

MarWindow    *mar_window_new                 (MarApplication *application);
MarScanInput *mar_window_get_scan_input      (MarWindow      *self);
/* (nullable) (transfer none) The workspace on screen; NULL when locked. */
MarWorkspace *mar_window_get_workspace       (MarWindow      *self);
/* (transfer none) */
GtkWidget    *mar_window_get_sign_in_page    (MarWindow      *self);
/* A scan from any source, routed to what is on screen. */
void          mar_window_handle_scan         (MarWindow      *self,
                                              const char     *data,
                                              gsize           length,
                                              MarScanSource   source);
/* Locks now: back to sign-in, the workspace parked for its owner.
 * @message (nullable) says why. */
void          mar_window_lock                (MarWindow      *self,
                                              const char     *message);
/* How many workspaces wait for their owner to sign in again. */
guint         mar_window_get_n_parked        (MarWindow      *self);
/* Writes the demo ward's label sheet (PDF) and returns its path. */
char         *mar_window_write_label_sheet   (MarWindow      *self,
                                              GError        **error);
/* Reads the header's sync status again. */
void          mar_window_update_sync_status  (MarWindow      *self);
void          mar_window_add_toast           (MarWindow      *self,
                                              AdwToast       *toast);
/* Locks after @seconds without use instead of the auto-lock-seconds
 * setting (0: the setting again). For kiosk integration and tests. */
void          mar_window_set_auto_lock_seconds (MarWindow    *self,
                                                guint         seconds);

G_END_DECLS
