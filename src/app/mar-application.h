/* mar-application.h — the bedside app: one terminal, one window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "mar-model.h"
#include "mar-terminal.h"

G_BEGIN_DECLS

/* Makes a page for a member of staff who signed in with a role that may
 * see it (issue 8: the charge nurse's shift log, IT's settings). */
typedef GtkWidget *(*MarRolePageFactory) (MarTerminal  *terminal,
                                          MarSignature *signature,
                                          gpointer      user_data);

#define MAR_TYPE_APPLICATION (mar_application_get_type ())
G_DECLARE_FINAL_TYPE (MarApplication, mar_application, MAR, APPLICATION, AdwApplication)

MarApplication *mar_application_new            (void);
/* (nullable) The terminal, once the database is open. */
MarTerminal    *mar_application_get_terminal   (MarApplication     *self);
/* Opens the terminal before the application runs (tests, benchmarks);
 * otherwise --config/--db or the environment decide at startup. */
gboolean        mar_application_open_terminal  (MarApplication     *self,
                                                const char         *config_path,
                                                const char         *db_path,
                                                GError            **error);
GSettings      *mar_application_get_settings   (MarApplication     *self);

/* Registers a page shown, beside the unit's pages, to staff whose role is
 * in @roles (a mask of 1 << MarRole). Pages are made at each sign-in. */
void            mar_application_add_role_page  (MarApplication     *self,
                                                guint               roles,
                                                const char         *name,
                                                const char         *title,
                                                const char         *icon_name,
                                                MarRolePageFactory  factory,
                                                gpointer            user_data);
/* (element-type MarRolePage) (transfer none) */
GPtrArray      *mar_application_get_role_pages (MarApplication     *self);

typedef struct
{
  guint               roles;
  char               *name;
  char               *title;
  char               *icon_name;
  MarRolePageFactory  factory;
  gpointer            user_data;
} MarRolePage;

#define MAR_ROLE_MASK(role) (1u << (role))

G_END_DECLS
