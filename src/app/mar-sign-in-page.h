/* mar-sign-in-page.h — badge and PIN
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (1): scan the badge (the window routes badge scans here) or
 * type it, then the PIN on the on-screen keypad, masked. Whether the
 * badge and PIN are good, and the lockout after five wrong PINs, is the
 * core's decision (mar-staff-auth.h); this page shows its words.
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_SIGN_IN_PAGE (mar_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (MarSignInPage, mar_sign_in_page, MAR, SIGN_IN_PAGE, GtkWidget)

void         mar_sign_in_page_set_terminal (MarSignInPage *self,
                                            MarTerminal   *terminal);
/* A badge scanned: fills the badge in and asks for the PIN. */
void         mar_sign_in_page_set_badge    (MarSignInPage *self,
                                            const char    *badge);
/* Clears the badge, the PIN and the message; @message (nullable) is shown
 * as information (why the terminal locked). */
void         mar_sign_in_page_reset        (MarSignInPage *self,
                                            const char    *message);
/* An error in words, with an icon (never colour alone). */
void         mar_sign_in_page_show_error   (MarSignInPage *self,
                                            const char    *message);
/* Signs in with what was entered (the Sign in button). */
void         mar_sign_in_page_submit       (MarSignInPage *self);
/* The focusable field a person types into first. */
void         mar_sign_in_page_focus        (MarSignInPage *self);

G_END_DECLS
