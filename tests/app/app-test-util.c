/* app-test-util.c — the bedside app on a fresh demo ward, for the UI tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "app-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mar-audit.h"
#include "mar-choice-group.h"
#include "mar-fhir-import.h"
#include "mar-staff-auth.h"

static char *template_folder;
/* One application per test program: a GApplication registers its object
 * path once. Each test opens its own terminal and window in it. */
static MarApplication *application;

static void
remove_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_folder (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_template (void)
{
  remove_folder (template_folder);
  g_clear_pointer (&template_folder, g_free);
}

/* The demo ward as ./tools/demo loads it: shifted so that its anchor is
 * now, then PIN 1234 for every member of staff who can sign in. */
static void
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree char *db = NULL;
  g_autofree char *bundle = g_build_filename (MAR_SOURCE_ROOT, "data", "demo", "demo-ward.json", NULL);
  MarFhirImportOptions options = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  template_folder = g_dir_make_tmp ("bedside-mar-ui-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (template_folder, "mar.db", NULL);
  store = mar_store_open (db, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  options.time_zone = tz;
  options.shift_to = now;
  options.now = now;
  g_assert_true (mar_fhir_import_file (store, bundle, &options, NULL, &error));
  g_assert_no_error (error);

  accounts = mar_staff_list_accounts (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      const MarStaffAccount *account = g_ptr_array_index (accounts, i);

      if (account->staff->badge == NULL || !account->staff->active)
        continue;
      g_assert_true (mar_staff_set_pin (store, account->staff->badge, AT_PIN, MAR_STAFF_AUTHORITY_ROOT,
                                        NULL, now, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&store);  /* the last close checkpoints the WAL into the file */
  atexit (remove_template);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

void
app_test_wait (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  /* A loaded machine may not have run us at all meanwhile: dispatch
   * whatever became due. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

gboolean
app_test_wait_for (gboolean (*condition) (gpointer data),
                   gpointer   data,
                   guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

AppTest *
app_test_new_ward (void)
{
  AppTest *t = g_new0 (AppTest, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *from = NULL;
  g_autofree char *from_head = NULL;
  g_autofree char *to_head = NULL;
  g_autofree char *labels = g_build_filename (MAR_SOURCE_ROOT, "data", "demo", "labels.json", NULL);

  if (template_folder == NULL)
    make_template ();

  t->folder = g_dir_make_tmp ("bedside-mar-ui-XXXXXX", &error);
  g_assert_no_error (error);
  t->db = g_build_filename (t->folder, "mar.db", NULL);
  from = g_build_filename (template_folder, "mar.db", NULL);
  copy_file (from, t->db);
  from_head = g_strconcat (from, ".chain", NULL);
  to_head = g_strconcat (t->db, ".chain", NULL);
  if (g_file_test (from_head, G_FILE_TEST_EXISTS))
    copy_file (from_head, to_head);

  t->config = g_build_filename (t->folder, "bedside-mar.conf", NULL);
  g_key_file_set_string (keys, "database", "path", t->db);
  g_key_file_set_string (keys, "unit", "time-zone", "America/New_York");
  g_key_file_set_string (keys, "unit", "location", "loc-4w");
  g_key_file_set_string (keys, "demo", "labels", labels);
  g_assert_true (g_key_file_save_to_file (keys, t->config, &error));
  g_assert_no_error (error);
  g_chmod (t->config, 0600);
  return t;
}

AppTest *
app_test_new (void)
{
  g_autoptr(GError) error = NULL;
  AppTest *t = app_test_new_ward ();

  if (application == NULL)
    {
      application = mar_application_new ();
      g_application_register (G_APPLICATION (application), NULL, &error);
      g_assert_no_error (error);
    }
  t->app = g_object_ref (application);
  mar_application_open_terminal (t->app, t->config, NULL, &error);
  g_assert_no_error (error);
  t->window = mar_window_new (t->app);
  gtk_window_present (GTK_WINDOW (t->window));
  app_test_wait (200);
  return t;
}

void
app_test_free (AppTest *t)
{
  if (t == NULL)
    return;
  if (t->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (t->window));
      app_test_wait (50);
    }
  g_clear_object (&t->app);
  remove_folder (t->folder);
  g_free (t->folder);
  g_free (t->db);
  g_free (t->config);
  g_free (t);
}

static void
feed (AppTest    *t,
      const char *text,
      gint64      gap_us,
      gboolean    enter)
{
  MarScanInput *input = mar_window_get_scan_input (t->window);
  gint64 time_us = g_get_monotonic_time ();

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      mar_scan_input_feed_key (input, gdk_unicode_to_keyval (ch), ch, time_us);
      time_us += gap_us;
    }
  if (enter)
    mar_scan_input_feed_key (input, GDK_KEY_Return, 0, time_us);
}

void
app_test_scan (AppTest    *t,
               const char *text)
{
  feed (t, text, 5000, TRUE);
  app_test_wait (150);
}

static gboolean
wedge_is_idle (gpointer data)
{
  AppTest *t = data;

  return mar_scan_input_is_idle (mar_window_get_scan_input (t->window));
}

void
app_test_type (AppTest    *t,
               const char *text)
{
  feed (t, text, 120000, FALSE);
  /* The wedge holds a person's last key for its gap (50 ms). */
  g_assert_true (app_test_wait_for (wedge_is_idle, t, 5000));
  app_test_wait (20);
}

void
app_test_keypad (GtkWidget  *keypad,
                 const char *keys)
{
  for (const char *p = keys; *p != '\0'; p++)
    {
      char digit[2] = { *p, '\0' };

      if (*p == '.')
        g_assert_true (gtk_widget_activate_action (keypad, "keypad.decimal", NULL));
      else
        g_assert_true (gtk_widget_activate_action (keypad, "keypad.digit", "s", digit));
    }
}

void
app_test_sign_in (AppTest    *t,
                  const char *badge)
{
  GtkWidget *page = mar_window_get_sign_in_page (t->window);

  app_test_scan (t, badge);
  app_test_keypad (app_test_child (page, G_TYPE_FROM_INSTANCE (page), "keypad"), AT_PIN);
  g_assert_true (gtk_widget_activate_action (page, "sign-in.submit", NULL));
  app_test_wait (100);
}

MarWorkspace *
app_test_get_workspace (AppTest *t)
{
  return mar_window_get_workspace (t->window);
}

GtkWidget *
app_test_get_page (AppTest    *t,
                   const char *name)
{
  g_assert_nonnull (app_test_get_workspace (t));
  return mar_workspace_get_page (app_test_get_workspace (t), name);
}

const char *
app_test_get_page_name (AppTest *t)
{
  if (app_test_get_workspace (t) == NULL)
    return "sign-in";
  return mar_workspace_get_page_name (app_test_get_workspace (t));
}

gpointer
app_test_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

void
app_test_choose (GtkWidget  *choice_group,
                 const char *code)
{
  g_assert_true (MAR_IS_CHOICE_GROUP (choice_group));
  g_assert_true (mar_choice_group_select (MAR_CHOICE_GROUP (choice_group), code));
}

GPtrArray *
app_test_list_entries (AppTest *t)
{
  g_autoptr(GError) error = NULL;
  MarTerminal *terminal = mar_application_get_terminal (t->app);
  GPtrArray *entries = mar_record_list_unpushed_entries (mar_terminal_get_record (terminal), &error);

  g_assert_no_error (error);
  return entries;
}

const char *
app_test_entry_payload (GPtrArray  *entries,
                        const char *kind)
{
  for (guint i = entries->len; i > 0; i--)
    {
      const MarAuditEntry *entry = g_ptr_array_index (entries, i - 1);

      if (g_strcmp0 (entry->kind, kind) == 0)
        return entry->payload;
    }
  return NULL;
}

GPtrArray *
app_test_list_bags (AppTest    *t,
                    const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  MarTerminal *terminal = mar_application_get_terminal (t->app);
  GPtrArray *bags = mar_record_list_infusions (mar_terminal_get_record (terminal), patient_id, -1, &error);

  g_assert_no_error (error);
  return bags;
}
