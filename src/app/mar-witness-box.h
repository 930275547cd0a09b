/* mar-witness-box.h — a second nurse signs on the spot: badge and PIN
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md WITNESS_REQUIRED: a high-alert drug needs another nurse or
 * charge nurse, never the performer, signing with badge + PIN at start,
 * new bag, rate change and bolus. The record checks the witness
 * (mar-record.h); this box collects the sign-in. A badge scanned while
 * the box waits goes into it.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_WITNESS_BOX (mar_witness_box_get_type ())
G_DECLARE_FINAL_TYPE (MarWitnessBox, mar_witness_box, MAR, WITNESS_BOX, GtkWidget)

GtkWidget    *mar_witness_box_new           (MarTerminal   *terminal,
                                             MarSignature  *performer);
/* (nullable) (transfer none) The witness, once signed. */
MarSignature *mar_witness_box_get_signature (MarWitnessBox *self);
/* A badge scanned: fills it in and asks for the PIN. FALSE when the box
 * already has its witness. */
gboolean      mar_witness_box_take_badge    (MarWitnessBox *self,
                                             const char    *badge);
/* Checks the badge and PIN entered (the Confirm button). */
gboolean      mar_witness_box_confirm       (MarWitnessBox *self);
/* Forgets the witness (the screen locked: a witness signs on the spot). */
void          mar_witness_box_clear         (MarWitnessBox *self);

G_END_DECLS
