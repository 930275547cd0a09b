/* mar-application.c — the bedside app: one terminal, one window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-application"

#include "config.h"

#include "mar-application.h"

#include <glib/gi18n.h>

#include "mar-it-page.h"
#include "mar-shift-log-page.h"
#include "mar-window.h"

struct _MarApplication
{
  AdwApplication  parent_instance;

  MarTerminal    *terminal;
  GSettings      *settings;
  GPtrArray      *role_pages;
  char           *config_path;
  char           *db_path;
};

G_DEFINE_FINAL_TYPE (MarApplication, mar_application, ADW_TYPE_APPLICATION)

static void
role_page_free (MarRolePage *page)
{
  g_free (page->name);
  g_free (page->title);
  g_free (page->icon_name);
  g_free (page);
}

/* The schema is installed with the app; a build run in place (./tools/demo,
 * `meson devenv`) finds the one compiled in the build tree. */
static GSettings *
load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (MAR_BUILD_ROOT "/data", source,
                                                                  FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, APP_ID, FALSE);
    }
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
show_error_window (MarApplication *self,
                   const GError   *error)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (self));
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-error-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("This terminal cannot open its database"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), error->message);
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), _("Bedside MAR"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
}

static void
mar_application_activate (GApplication *application)
{
  MarApplication *self = MAR_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->terminal == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!mar_application_open_terminal (self, self->config_path, self->db_path, &error))
        {
          g_warning ("Cannot open the terminal's database: %s", error->message);
          show_error_window (self, error);
          return;
        }
    }

  window = GTK_WINDOW (mar_window_new (self));
  gtk_window_present (window);
}

static int
mar_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  MarApplication *self = MAR_APPLICATION (application);

  g_variant_dict_lookup (options, "config", "^ay", &self->config_path);
  g_variant_dict_lookup (options, "db", "^ay", &self->db_path);
  return -1;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static GtkWidget *
shift_log_page_factory (MarTerminal  *terminal,
                        MarSignature *signature,
                        gpointer      user_data)
{
  return mar_shift_log_page_new (terminal, signature);
}

static void
mar_application_startup (GApplication *application)
{
  MarApplication *self = MAR_APPLICATION (application);
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = quit_action },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (mar_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  /* Issue 8: the charge nurse reviews and signs off the shift. */
  mar_application_add_role_page (self, MAR_ROLE_MASK (MAR_ROLE_CHARGE_NURSE), "shift-log", _("Shift log"),
                                 "x-office-spreadsheet-symbolic", shift_log_page_factory, NULL);
}

static void
mar_application_finalize (GObject *object)
{
  MarApplication *self = (MarApplication *) object;

  g_clear_object (&self->terminal);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->role_pages, g_ptr_array_unref);
  g_clear_pointer (&self->config_path, g_free);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (mar_application_parent_class)->finalize (object);
}

static void
mar_application_class_init (MarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = mar_application_finalize;
  app_class->activate = mar_application_activate;
  app_class->startup = mar_application_startup;
  app_class->handle_local_options = mar_application_handle_local_options;
}

static void
mar_application_init (MarApplication *self)
{
  static const GOptionEntry options[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Read the configuration from FILE"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use the database FILE"), N_("FILE") },
    { NULL }
  };

  self->role_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) role_page_free);
  /* Issue 8, part 4: hospital IT's settings and diagnostics. */
  mar_application_add_role_page (self, MAR_ROLE_MASK (MAR_ROLE_IT), "it", _("IT"),
                                 "network-server-symbolic", mar_it_page_factory, NULL);
  self->settings = load_settings ();
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

MarApplication *
mar_application_new (void)
{
  /* NON_UNIQUE: one terminal runs one app; tests run several at once. */
  return g_object_new (MAR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

MarTerminal *
mar_application_get_terminal (MarApplication *self)
{
  g_return_val_if_fail (MAR_IS_APPLICATION (self), NULL);
  return self->terminal;
}

gboolean
mar_application_open_terminal (MarApplication  *self,
                               const char      *config_path,
                               const char      *db_path,
                               GError         **error)
{
  g_autoptr(MarTerminal) terminal = NULL;

  g_return_val_if_fail (MAR_IS_APPLICATION (self), FALSE);

  terminal = mar_terminal_open (config_path, db_path, error);
  if (terminal == NULL)
    return FALSE;
  g_set_object (&self->terminal, terminal);
  return TRUE;
}

GSettings *
mar_application_get_settings (MarApplication *self)
{
  g_return_val_if_fail (MAR_IS_APPLICATION (self), NULL);
  return self->settings;
}

void
mar_application_add_role_page (MarApplication     *self,
                               guint               roles,
                               const char         *name,
                               const char         *title,
                               const char         *icon_name,
                               MarRolePageFactory  factory,
                               gpointer            user_data)
{
  MarRolePage *page;

  g_return_if_fail (MAR_IS_APPLICATION (self));
  g_return_if_fail (name != NULL && title != NULL && factory != NULL);

  page = g_new0 (MarRolePage, 1);
  page->roles = roles;
  page->name = g_strdup (name);
  page->title = g_strdup (title);
  page->icon_name = g_strdup (icon_name);
  page->factory = factory;
  page->user_data = user_data;
  g_ptr_array_add (self->role_pages, page);
}

GPtrArray *
mar_application_get_role_pages (MarApplication *self)
{
  g_return_val_if_fail (MAR_IS_APPLICATION (self), NULL);
  return self->role_pages;
}
