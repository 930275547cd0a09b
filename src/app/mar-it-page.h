/* mar-it-page.h — hospital IT's screen: settings, connection, sync, outbox, database
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown to the IT role only (issue 8, part 4). Every figure comes from the
 * core (mar-diagnostics.h, mar-sync.h, mar-outbox.h, mar-config.h); the
 * network and the database checks run in threads with their own store
 * connection, never on the main loop.
 */

#pragma once

#include <adwaita.h>

#include "mar-terminal.h"

G_BEGIN_DECLS

#define MAR_TYPE_IT_PAGE (mar_it_page_get_type ())
G_DECLARE_FINAL_TYPE (MarItPage, mar_it_page, MAR, IT_PAGE, AdwBin)

GtkWidget *mar_it_page_new            (MarTerminal  *terminal);
/* A MarRolePageFactory for mar_application_add_role_page(). */
GtkWidget *mar_it_page_factory        (MarTerminal  *terminal,
                                       MarSignature *signature,
                                       gpointer      user_data);

/* Starts a backup to @path, as "Back Up…" does after its file chooser
 * (the UI tests and the screenshot tour). */
void       mar_it_page_back_up_to     (MarItPage    *self,
                                       const char   *path);
/* Whether a test, sync, check or backup is running. */
gboolean   mar_it_page_is_busy        (MarItPage    *self);
/* Reads the outbox, the drug library and the database figures again. */
void       mar_it_page_refresh        (MarItPage    *self);

G_END_DECLS
