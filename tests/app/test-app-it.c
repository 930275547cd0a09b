/* test-app-it.c — hospital IT's screen, driven in-process
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8, part 4: IT signs in and sees the IT page (a nurse does not);
 * "Test connection" against the local HTTPS FHIR server shows success with
 * the clock skew and the FHIR version, and a bad certificate in words;
 * Sync now runs; settings are checked beside each field and saved; a backup
 * to a file is made and checks out. Without Node or the server's packages
 * the server cases are skipped.
 */

#include "config.h"

#include <string.h>

#include "app-test-util.h"
#include "mar-diagnostics.h"
#include "mar-it-page.h"
#include "mar-workspace.h"
#include "sync-test-server.h"

#define IT_BADGE    "T3001"
#define NURSE_BADGE "N1001"

static GtkWidget *
section (AppTest    *t,
         const char *name)
{
  AdwViewStack *sections = app_test_child (app_test_get_workspace (t), MAR_TYPE_WORKSPACE, "sections");

  return adw_view_stack_get_child_by_name (sections, name);
}

static MarItPage *
sign_in_it (AppTest *t)
{
  GtkWidget *page;

  app_test_sign_in (t, IT_BADGE);
  g_assert_nonnull (app_test_get_workspace (t));
  g_assert_cmpstr (app_test_get_page_name (t), ==, "it");
  page = section (t, "it");
  g_assert_true (MAR_IS_IT_PAGE (page));
  return MAR_IT_PAGE (page);
}

static gpointer
it_child (MarItPage  *page,
          const char *name)
{
  return app_test_child (page, MAR_TYPE_IT_PAGE, name);
}

static void
set_field (MarItPage  *page,
           const char *name,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (it_child (page, name)), text);
}

static const char *
row_title (MarItPage  *page,
           const char *name)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (it_child (page, name)));
}

static const char *
row_subtitle (MarItPage  *page,
              const char *name)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (it_child (page, name)));
}

static gboolean
page_idle (gpointer data)
{
  return !mar_it_page_is_busy (data);
}

static void
click_and_wait (MarItPage  *page,
                const char *button)
{
  g_signal_emit_by_name (it_child (page, button), "clicked");
  g_assert_true (mar_it_page_is_busy (page));
  g_assert_true (app_test_wait_for (page_idle, page, 60000));
}

/* Rows added at run time (the refused outbox records) by widget name. */
static void
find_named (GtkWidget  *widget,
            const char *name,
            GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        g_ptr_array_add (found, child);
      find_named (child, name, found);
    }
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = GTK_IS_BUTTON (child) ? child : find_button (child);

      if (button != NULL)
        return button;
    }
  return NULL;
}

static TestServer *
start_server (const char *certificate)
{
  g_autofree char *missing = test_server_missing_prerequisite ();
  TestServerOptions options = { .certificate = certificate, .quiet = TRUE };
  TestServer *server;

  if (missing != NULL)
    {
      g_test_skip (missing);
      return NULL;
    }
  server = test_server_new ();
  test_server_start (server, &options, 0);
  return server;
}

static void
point_at (MarItPage  *page,
          TestServer *server)
{
  g_autofree char *ca = test_server_path (server, "ca.pem");

  set_field (page, "url_row", server->base_url);
  set_field (page, "ca_row", ca);
  /* The test server has no Location of the demo unit: pull everything. */
  set_field (page, "unit_row", "");
}

/* ---- Who sees it ---- */

static void
test_nurse_does_not_see_it (void)
{
  g_autoptr(AppTest) t = app_test_new ();

  app_test_sign_in (t, NURSE_BADGE);
  g_assert_nonnull (app_test_get_workspace (t));
  g_assert_null (section (t, "it"));
  g_assert_cmpstr (app_test_get_page_name (t), ==, "board");
}

static void
test_it_sees_figures (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarItPage *page = sign_in_it (t);

  /* Every figure from the core: the library in force, the database, the outbox. */
  g_assert_nonnull (strstr (row_subtitle (page, "library_row"), "version"));
  g_assert_nonnull (strstr (row_subtitle (page, "db_size_row"), "schema version"));
  g_assert_nonnull (strstr (row_subtitle (page, "db_counts_row"), "Patients"));
  g_assert_nonnull (strstr (row_subtitle (page, "outbox_counts_row"), "refused by the server"));
  g_assert_cmpstr (row_subtitle (page, "db_backup_row"), ==, "Never backed up from this screen or marctl");
}

/* ---- Test connection ---- */

static void
test_connection_success_and_sync (void)
{
  g_autoptr(TestServer) server = start_server (NULL);
  g_autoptr(AppTest) t = NULL;
  MarItPage *page;

  if (server == NULL)
    return;
  t = app_test_new ();
  page = sign_in_it (t);
  point_at (page, server);

  click_and_wait (page, "test_button");
  g_test_message ("%s: %s", row_title (page, "connection_row"), row_subtitle (page, "connection_row"));
  g_assert_cmpstr (row_title (page, "connection_row"), ==, "Connected");
  g_assert_true (gtk_widget_get_visible (it_child (page, "skew_row")));
  g_assert_nonnull (strstr (row_subtitle (page, "skew_row"), "this terminal"));
  g_assert_nonnull (strstr (row_subtitle (page, "fhir_row"), "FHIR 4.0.1"));
  g_assert_nonnull (strstr (row_subtitle (page, "capability_row"), "Every resource"));

  /* Sync now, in a thread, with progress; the server refuses one record
   * with an OperationOutcome (a 422 as a validating server answers). The
   * demo ward's outbox holds the audit anchors of its sign-ins. */
  test_server_fault (server, "{\"kind\":\"status\",\"status\":422,\"method\":\"PUT\","
                             "\"path\":\"AuditEvent\",\"text\":"
                             "\"AuditEvent.agent[0].who: unknown Practitioner\"}");
  click_and_wait (page, "sync_button");
  g_test_message ("%s", row_subtitle (page, "sync_progress_row"));
  g_assert_true (g_str_has_prefix (row_subtitle (page, "sync_progress_row"), "Done."));
  g_assert_nonnull (strstr (row_subtitle (page, "sync_progress_row"), "refused: 1,"));

  /* The refused record, with the server's words, and Retry. */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();
    GtkWidget *retry;

    find_named (GTK_WIDGET (page), "outbox-failed-row", rows);
    g_assert_cmpuint (rows->len, ==, 1);
    g_test_message ("%s", adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)),
                              "unknown Practitioner"));
    g_assert_nonnull (strstr (row_subtitle (page, "outbox_counts_row"), "1 refused"));
    retry = find_button (g_ptr_array_index (rows, 0));
    g_assert_nonnull (retry);
    g_signal_emit_by_name (retry, "clicked");
    g_ptr_array_set_size (rows, 0);
    find_named (GTK_WIDGET (page), "outbox-failed-row", rows);
    g_assert_cmpuint (rows->len, ==, 0);
    g_assert_nonnull (strstr (row_subtitle (page, "outbox_counts_row"), "0 refused"));

    /* Back in the queue: the next sync sends it. */
    click_and_wait (page, "sync_button");
    g_test_message ("%s", row_subtitle (page, "sync_progress_row"));
    g_assert_nonnull (strstr (row_subtitle (page, "sync_progress_row"), "refused: 0, waiting: 0"));
  }
}

static void
test_connection_bad_certificate (gconstpointer data)
{
  const char *certificate = data;
  g_autoptr(TestServer) server = start_server (certificate);
  g_autoptr(AppTest) t = NULL;
  MarItPage *page;

  if (server == NULL)
    return;
  t = app_test_new ();
  page = sign_in_it (t);
  point_at (page, server);

  click_and_wait (page, "test_button");
  g_test_message ("%s: %s", row_title (page, "connection_row"), row_subtitle (page, "connection_row"));
  if (g_str_equal (certificate, "expired"))
    {
      g_assert_cmpstr (row_title (page, "connection_row"), ==, "Certificate expired");
      g_assert_nonnull (strstr (row_subtitle (page, "connection_row"), "has expired"));
    }
  else
    {
      g_assert_cmpstr (row_title (page, "connection_row"), ==, "Wrong host name");
      g_assert_nonnull (strstr (row_subtitle (page, "connection_row"), "another host name"));
    }
  g_assert_true (gtk_widget_has_css_class (it_child (page, "connection_icon"), "error"));
  g_assert_false (gtk_widget_get_visible (it_child (page, "fhir_row")));
}

/* ---- Settings ---- */

static void
test_settings_checked_and_saved (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarItPage *page = sign_in_it (t);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(MarConfig) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *url = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (t->config, &contents, &length, NULL));
  before = g_bytes_new_take (g_steal_pointer (&contents), length);

  set_field (page, "url_row", "http://fhir.example.org/r4");
  set_field (page, "interval_row", "5");
  g_signal_emit_by_name (it_child (page, "save_button"), "clicked");
  g_assert_true (gtk_widget_has_css_class (it_child (page, "url_row"), "error"));
  g_assert_true (gtk_widget_has_css_class (it_child (page, "interval_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (it_child (page, "ca_row"), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (it_child (page, "save_label")), "Not saved"));
  g_assert_true (g_file_get_contents (t->config, &contents, &length, NULL));
  after = g_bytes_new_take (g_steal_pointer (&contents), length);
  g_assert_true (g_bytes_equal (before, after));

  set_field (page, "url_row", "https://fhir.example.org/r4");
  set_field (page, "interval_row", "120");
  g_signal_emit_by_name (it_child (page, "save_button"), "clicked");
  g_assert_false (gtk_widget_has_css_class (it_child (page, "url_row"), "error"));
  g_assert_cmpstr (gtk_label_get_label (it_child (page, "save_label")), ==, "Saved.");

  saved = mar_config_load (t->config, &error);
  g_assert_no_error (error);
  url = mar_config_dup_string (saved, "server", "url");
  g_assert_cmpstr (url, ==, "https://fhir.example.org/r4");
  g_assert_cmpint (mar_config_get_int (saved, "sync", "interval", 0), ==, 120);
}

/* ---- Backup ---- */

static void
test_backup_to_file (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarItPage *page = sign_in_it (t);
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (t->folder, "it-backup.db", NULL);

  mar_it_page_back_up_to (page, target);
  g_assert_true (mar_it_page_is_busy (page));
  g_assert_true (app_test_wait_for (page_idle, page, 60000));
  g_test_message ("%s", row_subtitle (page, "db_backup_row"));

  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
  g_assert_true (mar_diagnostics_check_file (target, MAR_INTEGRITY_FULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (row_subtitle (page, "db_backup_row"), target));

  /* The integrity check button, in its thread. */
  click_and_wait (page, "check_button");
  g_assert_true (g_str_has_prefix (row_subtitle (page, "db_integrity_row"), "Intact"));

  /* The live database is refused, in words. */
  mar_it_page_back_up_to (page, t->db);
  g_assert_true (app_test_wait_for (page_idle, page, 60000));
  g_assert_nonnull (strstr (row_subtitle (page, "db_backup_row"), "live database"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/it/nurse-does-not-see-it", test_nurse_does_not_see_it);
  g_test_add_func ("/ui/it/figures", test_it_sees_figures);
  g_test_add_func ("/ui/it/test-connection/success-and-sync", test_connection_success_and_sync);
  g_test_add_data_func ("/ui/it/test-connection/expired", "expired", test_connection_bad_certificate);
  g_test_add_data_func ("/ui/it/test-connection/wrong-host", "wronghost", test_connection_bad_certificate);
  g_test_add_func ("/ui/it/settings/checked-and-saved", test_settings_checked_and_saved);
  g_test_add_func ("/ui/it/backup", test_backup_to_file);

  return g_test_run ();
}
