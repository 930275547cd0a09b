/* mar-verdict-page.h — pass, warning or stop, at one glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (4): the verdict of mar_verifier_verify() in a band of colour
 * with its icon and its word (STOP, WARNING, PASS), the five rights as a
 * checklist with each finding's message, and what going on needs: a
 * reason per warning code (mar-vocabulary.h), a witness for a high-alert
 * drug, the rate (prefilled with the ordered one). Start runs
 * mar_record_start(), which verifies again at that moment: the record,
 * not this page, decides.
 */

#pragma once

#include <adwaita.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

/* What replaced a scan (RULES.md "unable to scan"), kept by the workspace. */
typedef struct
{
  char *patient_reason;
  char *product_reason;
  char *confirmed_name;
  char *confirmed_birth_date;
  char *confirmed_mrn;
} MarUnableToScanInfo;

void                 mar_unable_to_scan_info_free (MarUnableToScanInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarUnableToScanInfo, mar_unable_to_scan_info_free)

#define MAR_TYPE_VERDICT_PAGE (mar_verdict_page_get_type ())
G_DECLARE_FINAL_TYPE (MarVerdictPage, mar_verdict_page, MAR, VERDICT_PAGE, GtkWidget)

GtkWidget       *mar_verdict_page_new              (MarTerminal          *terminal);
/* Shows @verification for @nurse. @unable_to_scan (nullable) is copied.
 * @previous: the bag this one follows (a new bag), or 0. */
void             mar_verdict_page_set_verification (MarVerdictPage       *self,
                                                    MarVerification      *verification,
                                                    MarSignature         *nurse,
                                                    const MarUnableToScanInfo *unable_to_scan,
                                                    gint64                previous);
/* (nullable) (transfer none) */
MarVerification *mar_verdict_page_get_verification (MarVerdictPage       *self);
MarVerdictKind   mar_verdict_page_get_kind         (MarVerdictPage       *self);
/* Starts the infusion with what was entered (the Start button). */
void             mar_verdict_page_start            (MarVerdictPage       *self);
/* A badge was scanned: the witness box takes it if it waits for one. */
gboolean         mar_verdict_page_take_badge       (MarVerdictPage       *self,
                                                    const char           *badge);
/* The screen locked: a witness signs on the spot, so theirs is dropped. */
void             mar_verdict_page_forget_witness   (MarVerdictPage       *self);
void             mar_verdict_page_set_nurse        (MarVerdictPage       *self,
                                                    MarSignature         *nurse);
/* Moves the keyboard focus to what comes next: the witness, the rate,
 * or Back when nothing may be given. */
void             mar_verdict_page_focus_default    (MarVerdictPage       *self);

G_END_DECLS
