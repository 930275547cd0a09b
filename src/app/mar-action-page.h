/* mar-action-page.h — documenting one action on a bag or a dose
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (5): rate change, pause, resume, bolus, stop and complete (the
 * pump's volume confirmed or corrected), held / refused / missing / not
 * given, reactions and site checks. Each form asks for what the record
 * needs for that action (mar-record.h), with reasons from its fixed lists
 * (mar-vocabulary.h), large touch targets and a numeric keypad; Save calls
 * the record, which decides.
 */

#pragma once

#include <adwaita.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_ACTION_PAGE (mar_action_page_get_type ())
G_DECLARE_FINAL_TYPE (MarActionPage, mar_action_page, MAR, ACTION_PAGE, GtkWidget)

GtkWidget        *mar_action_page_new            (MarTerminal       *terminal);
/* A form for @action on this terminal's bag @infusion_id. */
gboolean          mar_action_page_set_bag_action (MarActionPage     *self,
                                                  MarSignature      *nurse,
                                                  gint64             infusion_id,
                                                  MarInfusionAction  action,
                                                  GError           **error);
/* Held, refused, missing or not given for a dose of @order_id, without a
 * bag (the patient's wristband scanned). */
void              mar_action_page_set_not_done   (MarActionPage     *self,
                                                  MarSignature      *nurse,
                                                  MarScanResult     *patient_scan,
                                                  const char        *order_id,
                                                  const char        *medication);
MarInfusionAction mar_action_page_get_action     (MarActionPage     *self);
gint64            mar_action_page_get_infusion   (MarActionPage     *self);
/* Saves with what was entered (the Save button). */
gboolean          mar_action_page_save           (MarActionPage     *self);
gboolean          mar_action_page_take_badge     (MarActionPage     *self,
                                                  const char        *badge);
void              mar_action_page_forget_witness (MarActionPage     *self);
void              mar_action_page_set_nurse      (MarActionPage     *self,
                                                  MarSignature      *nurse);
/* Moves the keyboard focus to the first field. */
void              mar_action_page_focus_default  (MarActionPage     *self);

/* (transfer none) The parts of the form, for tests and keyboard focus:
 * "rate", "volume" (number fields), "reason", "kind", "severity",
 * "actions", "outcome", "findings", "keep-running" (choice groups),
 * "comment", "override:CODE" (the reason asked for a warning of the
 * rate check); NULL when the form has none. */
GtkWidget        *mar_action_page_get_field      (MarActionPage     *self,
                                                  const char        *name);

G_END_DECLS
