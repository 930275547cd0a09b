/* mar-keypad.h — an on-screen numeric keypad for gloved fingers
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Twelve keys of at least 64 px (issue 7: touch targets ≥ 56 px, used
 * with gloves) that type into a target field: the PIN (masked), a rate, a
 * volume. The decimal key types the locale's separator.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MAR_TYPE_KEYPAD (mar_keypad_get_type ())
G_DECLARE_FINAL_TYPE (MarKeypad, mar_keypad, MAR, KEYPAD, GtkWidget)

GtkWidget   *mar_keypad_new          (void);
GtkEditable *mar_keypad_get_target   (MarKeypad   *self);
void         mar_keypad_set_target   (MarKeypad   *self,
                                      GtkEditable *target);
gboolean     mar_keypad_get_decimal  (MarKeypad   *self);
void         mar_keypad_set_decimal  (MarKeypad   *self,
                                      gboolean     decimal);

G_END_DECLS
