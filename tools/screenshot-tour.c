/* screenshot-tour.c — every screen of the bedside app, for docs/screenshots
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real application window through the demo ward (the same
 * steps as the UI tests: scans through the wedge, actions on the pages)
 * and takes a picture of the X screen at each step with ImageMagick's
 * `import -window root`. tools/screenshots runs it under Xvfb for each
 * screen size, colour scheme and language.
 *
 *   screenshot-tour OUTDIR SUFFIX [--dark]
 */

#define G_LOG_DOMAIN "screenshot-tour"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "../tests/app/app-test-util.h"
#include "mar-action-page.h"
#include "mar-board-page.h"
#include "mar-patient-page.h"
#include "mar-it-page.h"
#include "mar-shift-log-page.h"
#include "../tests/app/shift-seed.h"
#include "../tests/sync/sync-test-server.h"

static const char *out_dir;
static const char *suffix;

static void
shot (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, suffix);
  g_autofree char *path = g_build_filename (out_dir, file, NULL);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* Transitions are 150 ms; give the frame clock time to draw. */
  app_test_wait (700);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("import %s: %s", path, error->message);
  g_print ("%s\n", path);
}

static void
back_to_board (AppTest *t)
{
  while (mar_workspace_can_go_back (app_test_get_workspace (t)))
    mar_workspace_go_back (app_test_get_workspace (t));
}

/* ---- IT's screen (issue 8, part 4) ---- */

static gpointer
it_child (MarItPage  *page,
          const char *name)
{
  return app_test_child (page, MAR_TYPE_IT_PAGE, name);
}

static gboolean
it_page_idle (gpointer data)
{
  return !mar_it_page_is_busy (data);
}

/* The left column holds the settings, the right one the connection, sync
 * and database; the database is at the bottom. */
static void
it_scroll (MarItPage *page,
           gboolean   bottom)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (it_child (page, "scroller"));

  gtk_adjustment_set_value (adjustment, bottom ? gtk_adjustment_get_upper (adjustment) -
                                                 gtk_adjustment_get_page_size (adjustment)
                                               : 0);
}

static void
it_tour (AppTest *t)
{
  g_autoptr(TestServer) server = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *backup = NULL;
  AdwViewStack *sections;
  MarItPage *page;

  /* The local HTTPS FHIR server of the tests, when Node and its packages
   * are there (tools/install-test-tools); without it the connection shot
   * shows a refused connection. */
  if (g_getenv ("MAR_TEST_NODE") == NULL)
    {
      g_autofree char *node = g_find_program_in_path ("node");

      if (node != NULL)
        g_setenv ("MAR_TEST_NODE", node, TRUE);
    }
  missing = test_server_missing_prerequisite ();
  if (missing == NULL)
    {
      TestServerOptions options = { .quiet = TRUE };

      server = test_server_new ();
      test_server_start (server, &options, 0);
    }
  else
    g_printerr ("IT screen without a FHIR server: %s\n", missing);

  app_test_sign_in (t, "T3001");
  sections = app_test_child (app_test_get_workspace (t), MAR_TYPE_WORKSPACE, "sections");
  page = MAR_IT_PAGE (adw_view_stack_get_child_by_name (sections, "it"));

  /* The settings, with a problem shown beside its field. */
  gtk_editable_set_text (it_child (page, "url_row"), "http://fhir.hospital.example/r4");
  gtk_editable_set_text (it_child (page, "interval_row"), "60");
  g_signal_emit_by_name (it_child (page, "save_button"), "clicked");
  shot ("it-settings");

  if (server != NULL)
    {
      g_autofree char *ca = test_server_path (server, "ca.pem");

      gtk_editable_set_text (it_child (page, "url_row"), server->base_url);
      gtk_editable_set_text (it_child (page, "ca_row"), ca);
      gtk_editable_set_text (it_child (page, "pin_row"), server->pin);
    }
  else
    gtk_editable_set_text (it_child (page, "url_row"), "https://127.0.0.1:1/fhir");
  gtk_editable_set_text (it_child (page, "unit_row"), "");
  g_signal_emit_by_name (it_child (page, "save_button"), "clicked");
  g_signal_emit_by_name (it_child (page, "test_button"), "clicked");
  app_test_wait_for (it_page_idle, page, 60000);
  /* One record refused, as a validating server refuses it: the outbox
   * shows the server's words and Retry. */
  if (server != NULL)
    test_server_fault (server, "{\"kind\":\"status\",\"status\":422,\"method\":\"PUT\","
                               "\"path\":\"AuditEvent\",\"text\":"
                               "\"AuditEvent.agent[0].who: unknown Practitioner\"}");
  g_signal_emit_by_name (it_child (page, "sync_button"), "clicked");
  app_test_wait_for (it_page_idle, page, 120000);
  it_scroll (page, FALSE);
  shot ("it-connection");

  /* A pin that is not the server's: the failure in words. */
  gtk_editable_set_text (it_child (page, "pin_row"), "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  g_signal_emit_by_name (it_child (page, "test_button"), "clicked");
  app_test_wait_for (it_page_idle, page, 60000);
  it_scroll (page, FALSE);
  shot ("it-connection-failed");

  backup = g_build_filename (t->folder, "bedside-mar-backup.db", NULL);
  mar_it_page_back_up_to (page, backup);
  app_test_wait_for (it_page_idle, page, 60000);
  g_signal_emit_by_name (it_child (page, "check_button"), "clicked");
  app_test_wait_for (it_page_idle, page, 60000);
  it_scroll (page, TRUE);
  shot ("it-database");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AppTest) t = NULL;
  MarPatientPage *patient;
  MarActionPage *action;
  g_autoptr(GPtrArray) bags = NULL;
  gint64 infusion;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BEDSIDE_MAR_LOCALEDIR") != NULL
                                   ? g_getenv ("BEDSIDE_MAR_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 3)
    {
      g_printerr ("Usage: %s OUTDIR SUFFIX [--dark]\n", argv[0]);
      return 64;
    }
  out_dir = argv[1];
  suffix = argv[2];
  gtk_init ();
  adw_init ();
  if (argc > 3 && g_str_equal (argv[3], "--dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  t = app_test_new ();
  shot ("sign-in");

  app_test_sign_in (t, "N1001");
  shot ("board");

  /* Bed 4W-01: wristband, then S01 (pass), S31 (stop). */
  app_test_scan (t, "74120318");
  shot ("patient");
  app_test_scan (t, "(01)00614141100101(17)301231(10)NS6021(21)S01");
  shot ("verdict-pass");
  app_test_scan (t, "(01)00303380048045(17)301231(10)G219870(21)S31");
  shot ("verdict-block");

  /* Bed 4W-03: S45, an allergy of low criticality (warning). */
  app_test_scan (t, "74120529");
  app_test_scan (t, "(01)00614141201105(17)301231(10)VA2207(21)S45");
  shot ("verdict-warn");

  /* Bed 4W-04: S55, insulin: a witness signs. */
  app_test_scan (t, "(8018)061414100741206836");
  app_test_scan (t, "(01)00614141302109(17)301231(10)IN0415(21)S55");
  shot ("verdict-witness");

  /* Bed 4W-01 again: start the NaCl bag; the toast offers undo. */
  app_test_scan (t, "74120318");
  app_test_scan (t, "(01)00614141100101(17)301231(10)NS6021(21)S01");
  gtk_widget_activate_action (app_test_get_page (t, "verdict"), "verdict.start", NULL);
  shot ("patient-running");

  patient = MAR_PATIENT_PAGE (app_test_get_page (t, "patient"));
  bags = app_test_list_bags (t, mar_patient_page_get_patient_id (patient));
  infusion = ((MarInfusion *) g_ptr_array_index (bags, 0))->id;
  g_signal_emit_by_name (patient, "bag-action", infusion, (int) MAR_INFUSION_ACTION_RATE);
  action = MAR_ACTION_PAGE (app_test_get_page (t, "action"));
  gtk_editable_set_text (GTK_EDITABLE (mar_action_page_get_field (action, "rate")), "90");
  app_test_choose (mar_action_page_get_field (action, "reason"), "titration-protocol");
  shot ("document-rate");
  mar_workspace_go_back (app_test_get_workspace (t));

  g_signal_emit_by_name (patient, "bag-action", infusion, (int) MAR_INFUSION_ACTION_REACTION);
  app_test_choose (mar_action_page_get_field (action, "kind"), "chills");
  app_test_choose (mar_action_page_get_field (action, "severity"), "moderate");
  app_test_choose (mar_action_page_get_field (action, "actions"), "slowed");
  shot ("document-reaction");
  mar_workspace_go_back (app_test_get_workspace (t));

  g_signal_emit_by_name (patient, "bag-action", infusion, (int) MAR_INFUSION_ACTION_STOP);
  app_test_choose (mar_action_page_get_field (action, "reason"), "patient-request");
  shot ("document-stop");

  back_to_board (t);
  gtk_widget_activate_action (app_test_get_page (t, "board"), "workspace.unable-to-scan", NULL);
  shot ("unable-to-scan");

  mar_window_lock (t->window, NULL);
  shot ("locked");

  /* Issue 8: the charge nurse's shift log of a busy shift on 4 East. */
  {
    MarTerminal *terminal = mar_application_get_terminal (t->app);
    g_auto(MarShift) shift = { 0 };
    AdwViewStack *sections;
    GtkWidget *page;
    GtkListBox *patients;

    shift_seed_previous_shift (terminal, &shift);
    shift_seed_busy_unit (terminal, 16, &shift, AT_PIN);
    app_test_sign_in (t, "C2001");
    sections = mar_workspace_get_sections (app_test_get_workspace (t));
    adw_view_stack_set_visible_child_name (sections, "shift-log");
    page = adw_view_stack_get_child_by_name (sections, "shift-log");
    mar_shift_log_page_load (MAR_SHIFT_LOG_PAGE (page), SHIFT_SEED_UNIT_ID, &shift);
    while (mar_shift_log_page_is_loading (MAR_SHIFT_LOG_PAGE (page)))
      g_main_context_iteration (NULL, TRUE);
    shot ("shift-log");

    /* Bed 4E-02: a reaction to a meropenem dose. */
    patients = app_test_child (page, MAR_TYPE_SHIFT_LOG_PAGE, "patients_list");
    gtk_stack_set_visible_child_name (app_test_child (page, MAR_TYPE_SHIFT_LOG_PAGE, "view_stack"), "timeline");
    gtk_list_box_select_row (patients, gtk_list_box_get_row_at_index (patients, 1));
    shot ("shift-log-timeline");

    gtk_stack_set_visible_child_name (app_test_child (page, MAR_TYPE_SHIFT_LOG_PAGE, "view_stack"), "events");
    gtk_widget_activate_action (page, "shift-log.sign-off", NULL);
    app_test_scan (t, "C2001");
    shot ("shift-log-sign-off");
    app_test_keypad (app_test_child (page, MAR_TYPE_SHIFT_LOG_PAGE, "keypad"), AT_PIN);
    gtk_widget_activate_action (page, "shift-log.confirm-sign-off", NULL);
    shot ("shift-log-signed-off");
  }

  mar_window_lock (t->window, NULL);
  it_tour (t);
  return 0;
}
