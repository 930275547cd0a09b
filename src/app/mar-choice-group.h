/* mar-choice-group.h — pick one (or several) terms of a fixed list, by touch
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reasons and codes of the record come from fixed lists
 * (mar-vocabulary.h: override reasons per warning code, hold and stop
 * reasons, reaction kinds…). A drop-down is hard to use with gloves; each
 * term here is a large toggle button with its words.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-vocabulary.h"

G_BEGIN_DECLS

#define MAR_TYPE_CHOICE_GROUP (mar_choice_group_get_type ())
G_DECLARE_FINAL_TYPE (MarChoiceGroup, mar_choice_group, MAR, CHOICE_GROUP, GtkWidget)

/* @terms are borrowed (static vocabulary lists). */
GtkWidget   *mar_choice_group_new            (const char    *title,
                                              const MarTerm *terms,
                                              guint          n_terms,
                                              gboolean       multiple);
GtkWidget   *mar_choice_group_new_for_list   (const char    *title,
                                              MarVocabulary  vocabulary,
                                              gboolean       multiple);
/* The code of the selected term (single choice), or NULL. */
const char  *mar_choice_group_get_selected   (MarChoiceGroup *self);
/* (transfer full) NULL-terminated codes of the selected terms, in list order. */
char       **mar_choice_group_dup_selected   (MarChoiceGroup *self);
gboolean     mar_choice_group_has_selection  (MarChoiceGroup *self);
/* Selects the term with @code (TRUE when there is one). */
gboolean     mar_choice_group_select         (MarChoiceGroup *self,
                                              const char     *code);
/* A selected term needs a comment ("other"). */
gboolean     mar_choice_group_needs_comment  (MarChoiceGroup *self);
/* An opaque key the owner attaches (a warning code). */
const char  *mar_choice_group_get_key        (MarChoiceGroup *self);
void         mar_choice_group_set_key        (MarChoiceGroup *self,
                                              const char     *key);

G_END_DECLS
