/* mar-unable-to-scan-page.h — the audited path when a barcode cannot be scanned
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md, The record: "unable to scan" replaces only the scan. The
 * nurse gives the reason, picks the patient and confirms two identifiers
 * with them (or types the bag's code), and the full verification still
 * runs; the record keeps it as keyed, in the variance log. It is the only
 * place a code is typed.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-terminal.h"
#include "mar-verdict-page.h"

G_BEGIN_DECLS

#define MAR_TYPE_UNABLE_TO_SCAN_PAGE (mar_unable_to_scan_page_get_type ())
G_DECLARE_FINAL_TYPE (MarUnableToScanPage, mar_unable_to_scan_page, MAR, UNABLE_TO_SCAN_PAGE, GtkWidget)

GtkWidget *mar_unable_to_scan_page_new      (MarTerminal         *terminal);
/* @patient_id NULL: the wristband cannot be scanned (pick the patient);
 * otherwise the patient is confirmed and the bag cannot be scanned. */
void       mar_unable_to_scan_page_reset    (MarUnableToScanPage *self,
                                             const char          *patient_id);
/* Goes on with what was entered (the Continue button). */
gboolean   mar_unable_to_scan_page_continue (MarUnableToScanPage *self);
/* (transfer none) For tests: "reason", "patients", "name", "birth-date",
 * "mrn", "code". */
GtkWidget *mar_unable_to_scan_page_get_field (MarUnableToScanPage *self,
                                              const char          *name);

G_END_DECLS
