/* mar-patient-banner.h — who the patient is, large enough to check from the bed
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (3): name, birth date and MRN large for the two-identifier
 * check (The Joint Commission NPSG.01.01.01), allergies in a red band,
 * weight with its date (weight-based doses use it).
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-patient-summary.h"

G_BEGIN_DECLS

#define MAR_TYPE_PATIENT_BANNER (mar_patient_banner_get_type ())
G_DECLARE_FINAL_TYPE (MarPatientBanner, mar_patient_banner, MAR, PATIENT_BANNER, GtkWidget)

void mar_patient_banner_set_summary (MarPatientBanner        *self,
                                     const MarPatientSummary *summary,
                                     GTimeZone               *time_zone,
                                     gint64                   now);
/* The compact form (the verdict screen): smaller type; the allergy band stays. */
void mar_patient_banner_set_compact (MarPatientBanner        *self,
                                     gboolean                 compact);

G_END_DECLS
