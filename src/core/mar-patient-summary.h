/* mar-patient-summary.h — what a nurse sees about a patient at a glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The unit board (one row per bed) and the patient screen's banner show
 * the same facts: who the patient is, whether they have allergies (and
 * whether anyone asked), the IV bags running now with the volume and time
 * left, the IV doses due or overdue, and whether this terminal still holds
 * records the server has not received. They are worked out here, from the
 * cache and the record, so that the bedside app only draws them (issue 7:
 * no rules in a widget).
 *
 * Figures are for display. The verification (mar-verifier.h) decides at
 * the bedside; a dose shown "due" here is verified like any other when it
 * is scanned.
 */

#pragma once

#include <glib.h>

#include "mar-record.h"
#include "mar-verifier.h"

G_BEGIN_DECLS

/* An IV dose of a scheduled order, as the board shows it. */
typedef enum
{
  MAR_DUE_UPCOMING = 0,  /* due within the look-ahead, before its window opens */
  MAR_DUE_NOW,           /* inside its window (RULES.md, Time): give it now */
  MAR_DUE_OVERDUE,       /* its window closed, nothing charted, and it is still the nearest due time */
} MarDueStatus;

/* How far ahead the board lists doses that are coming up. */
#define MAR_PATIENT_SUMMARY_LOOK_AHEAD (60 * 60)

typedef struct
{
  char         *order_id;
  char         *medication;      /* the order's drug, for people */
  gint64        due_time;
  MarDueStatus  status;
  int           minutes;         /* minutes from the due time: < 0 before, > 0 after */
} MarDueDose;

/* A bag hanging now (infusing or paused), documented here or elsewhere. */
typedef struct
{
  char     *administration_id;   /* the MedicationAdministration */
  gint64    infusion_id;         /* the bag in this terminal's record; 0: charted elsewhere */
  char     *medication;
  gboolean  paused;
  double    rate_ml_per_h;       /* 0 when not known */
  double    volume_infused_ml;   /* estimate (mar-infusion.h) */
  double    volume_left_ml;      /* < 0 when the bag's volume is not known */
  gint64    seconds_left;        /* < 0 when not known or not running */
} MarRunningInfusion;

typedef struct
{
  MarPatient *patient;           /* with bed, unit and latest weight */
  /* RULES.md, ALLERGIES_NOT_ASSESSED: no allergy information at all is not
   * the same as "no known drug allergies". */
  gboolean    allergies_assessed;
  /* Active allergies that are not refuted (nor a "no known allergy"
   * entry), as their text, worst criticality first. */
  GPtrArray  *allergies;         /* (element-type utf8) */
  gboolean    high_criticality;  /* one of them is criticality high */
  GPtrArray  *infusions;         /* (element-type MarRunningInfusion) */
  GPtrArray  *doses;             /* (element-type MarDueDose) overdue first, then by due time */
  guint       unsynced;          /* outbox entries of the patient not yet accepted by the server */
  /* The latest weight is older than the drug library allows for
   * weight-based doses (RULES.md, WEIGHT_MISSING), or there is none. */
  gboolean    weight_stale;
} MarPatientSummary;

void               mar_patient_summary_free  (MarPatientSummary *summary);
void               mar_due_dose_free         (MarDueDose        *dose);
void               mar_running_infusion_free (MarRunningInfusion *infusion);

/* The summary of one patient at @now. @record is nullable (no local
 * bags then). (transfer full) */
MarPatientSummary *mar_patient_summary_read  (MarVerifier       *verifier,
                                              MarRecord         *record,
                                              const char        *patient_id,
                                              gint64             now,
                                              GError           **error);
/* (element-type MarPatientSummary) every patient of the unit, by bed
 * (mar_store_list_unit_patients()). */
GPtrArray         *mar_patient_summary_list_unit (MarVerifier   *verifier,
                                                  MarRecord     *record,
                                                  const char    *unit_id,
                                                  gint64         now,
                                                  GError       **error);

/* Whether any dose is overdue / due now. */
gboolean           mar_patient_summary_has_due (const MarPatientSummary *summary,
                                                MarDueStatus             status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarPatientSummary, mar_patient_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarDueDose, mar_due_dose_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarRunningInfusion, mar_running_infusion_free)

G_END_DECLS
