/* mar-workspace.h — one nurse's work on this terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a signed-in member of staff has open: the unit board, the
 * patient, the verdict and a half-filled form, plus the pages of their
 * role (issue 8 adds the charge nurse's and IT's through
 * mar_application_add_role_page()). When the terminal locks, the
 * workspace is parked as it is and belongs to that member of staff only:
 * the same badge and PIN bring it back, another nurse gets their own
 * (docs/app.md, "Auto-lock").
 */

#pragma once

#include <adwaita.h>

#include "mar-report.h"

#include "mar-application.h"
#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_WORKSPACE (mar_workspace_get_type ())
G_DECLARE_FINAL_TYPE (MarWorkspace, mar_workspace, MAR, WORKSPACE, GtkWidget)

/* NULL with @error when the role has no page on this terminal. */
MarWorkspace *mar_workspace_new              (MarApplication *application,
                                              MarSignature   *signature,
                                              GError        **error);
MarSignature *mar_workspace_get_signature    (MarWorkspace   *self);
/* The same member of staff signed in again (after a lock). */
void          mar_workspace_set_signature    (MarWorkspace   *self,
                                              MarSignature   *signature);
const char   *mar_workspace_get_staff_id     (MarWorkspace   *self);
AdwViewStack *mar_workspace_get_sections     (MarWorkspace   *self);

/* A scan from the scanner, the camera or an image, whatever the screen. */
void          mar_workspace_handle_scan      (MarWorkspace   *self,
                                              const char     *data,
                                              gsize           length,
                                              MarScanSource   source);
gboolean      mar_workspace_can_go_back      (MarWorkspace   *self);
void          mar_workspace_go_back          (MarWorkspace   *self);
/* Reads the board and the patient again. */
void          mar_workspace_refresh          (MarWorkspace   *self);
/* The terminal locks: witnesses are dropped (they sign on the spot), the
 * camera stops; everything else stays as it is. */
void          mar_workspace_park             (MarWorkspace   *self);
/* Corrects entry @entry_seq (undo from a toast). */
void          mar_workspace_undo             (MarWorkspace   *self,
                                              gint64          entry_seq);
/* Opens the patient, as a wristband scan or the unable-to-scan path would. */
void          mar_workspace_open_patient     (MarWorkspace   *self,
                                              const char     *patient_id,
                                              MarScanResult  *wristband);
/* The name of the page on screen: "board", "patient", "verdict",
 * "action", or a role page's name. */
const char   *mar_workspace_get_page_name    (MarWorkspace   *self);
/* (transfer none) The unit's pages, for tests: "board", "patient",
 * "verdict", "action". */
/* The downtime printout of this terminal's unit, as of now (what
 * workspace.print-downtime prints). (transfer full) */
MarReport    *mar_workspace_build_downtime_report (MarWorkspace  *self,
                                                   GError       **error);
GtkWidget    *mar_workspace_get_page         (MarWorkspace   *self,
                                              const char     *name);

G_END_DECLS
