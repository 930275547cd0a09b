/* mar-patient-page.h — one patient: identity, bags, doses due
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened by a wristband scan (identity confirmed) or from the board (to
 * look: documenting then waits for the wristband, as in every BCMA
 * system). A bag scanned here runs the verification (the workspace
 * routes scans); a photo of a label can be dropped on the page.
 */

#pragma once

#include <adwaita.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_PATIENT_PAGE (mar_patient_page_get_type ())
G_DECLARE_FINAL_TYPE (MarPatientPage, mar_patient_page, MAR, PATIENT_PAGE, GtkWidget)

GtkWidget     *mar_patient_page_new             (MarTerminal    *terminal);
/* Shows @patient_id; @wristband (nullable) is the scan that confirmed
 * who they are. */
void           mar_patient_page_show_patient    (MarPatientPage *self,
                                                 const char     *patient_id,
                                                 MarScanResult  *wristband);
void           mar_patient_page_refresh         (MarPatientPage *self);
const char    *mar_patient_page_get_patient_id  (MarPatientPage *self);
/* (nullable) (transfer none) The wristband scan, NULL until confirmed. */
MarScanResult *mar_patient_page_get_wristband   (MarPatientPage *self);
void           mar_patient_page_highlight_infusion (MarPatientPage *self,
                                                    gint64          infusion_id);
/* (transfer none) The row of a bag, or NULL. */
GtkWidget     *mar_patient_page_get_bag_row     (MarPatientPage *self,
                                                 gint64          infusion_id);

G_END_DECLS
