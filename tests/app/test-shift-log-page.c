/* test-shift-log-page.c — the charge nurse's shift log screen, driven in-process
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8, Done when: the shift log of a seeded busy shift (tests/app/shift-seed.h)
 * opens for a charge nurse, filters by nurse and flag ("N of M events"),
 * takes a review note, is signed off with a badge scanned through the
 * window's wedge and the PIN on the keypad (the audit trail has both),
 * says when events changed since the sign-off, and exports CSV and PDF
 * (the PDF's text read back with pdftotext). A nurse does not see it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "app-test-util.h"
#include "mar-audit.h"
#include "mar-keypad.h"
#include "mar-report-export.h"
#include "mar-shift-log-page.h"
#include "mar-shift-timeline.h"
#include "mar-time.h"
#include "shift-seed.h"

#define BEDS 12
#define CHARGE_BADGE "C2001"

typedef struct
{
  AppTest         *t;
  MarShiftLogPage *page;
  MarShift         shift;
} ShiftTest;

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
page_loaded (gpointer data)
{
  return !mar_shift_log_page_is_loading (data) && mar_shift_log_page_get_log (data) != NULL;
}

static void
wait_loaded (MarShiftLogPage *page)
{
  g_assert_true (app_test_wait_for (page_loaded, page, 20000));
}

static gpointer
child (ShiftTest  *st,
       const char *name)
{
  return app_test_child (st->page, MAR_TYPE_SHIFT_LOG_PAGE, name);
}

/* A charge nurse signed in, on the shift log of the seeded shift. */
static ShiftTest *
shift_test_new (void)
{
  ShiftTest *st = g_new0 (ShiftTest, 1);
  MarTerminal *terminal;
  AdwViewStack *sections;

  st->t = app_test_new ();
  terminal = mar_application_get_terminal (st->t->app);
  shift_seed_previous_shift (terminal, &st->shift);
  shift_seed_busy_unit (terminal, BEDS, &st->shift, AT_PIN);

  app_test_sign_in (st->t, CHARGE_BADGE);
  sections = mar_workspace_get_sections (app_test_get_workspace (st->t));
  st->page = MAR_SHIFT_LOG_PAGE (adw_view_stack_get_child_by_name (sections, "shift-log"));
  g_assert_nonnull (st->page);
  adw_view_stack_set_visible_child_name (sections, "shift-log");
  /* It opened on this terminal's unit and the current shift. */
  wait_loaded (st->page);
  g_assert_cmpstr (mar_shift_log_get_unit_id (mar_shift_log_page_get_log (st->page)), ==,
                   mar_terminal_get_unit_id (terminal));

  mar_shift_log_page_load (st->page, SHIFT_SEED_UNIT_ID, &st->shift);
  g_assert_true (mar_shift_log_page_is_loading (st->page));
  wait_loaded (st->page);
  g_assert_cmpstr (mar_shift_log_get_unit_id (mar_shift_log_page_get_log (st->page)), ==, SHIFT_SEED_UNIT_ID);
  return st;
}

static void
shift_test_free (ShiftTest *st)
{
  mar_shift_clear (&st->shift);
  app_test_free (st->t);
  g_free (st);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShiftTest, shift_test_free)

static guint
count_events (MarShiftLog  *log,
              const char   *nurse_id,
              MarShiftFlags flag)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);

      if (nurse_id != NULL && g_strcmp0 (mar_shift_log_event_get_nurse_id (event), nurse_id) != 0)
        continue;
      if (flag != MAR_SHIFT_FLAG_NONE && (mar_shift_log_event_get_flags (event) & flag) == 0)
        continue;
      n++;
    }
  return n;
}

static MarShiftLogEvent *
first_event_with (MarShiftLog  *log,
                  MarShiftFlags flag)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);

      if ((mar_shift_log_event_get_flags (event) & flag) != 0)
        return event;  /* the log keeps it alive */
    }
  return NULL;
}

static void
assert_count_label (ShiftTest *st,
                    guint      shown,
                    guint      all)
{
  g_autofree char *expected = g_strdup_printf ("%u of %u events", shown, all);

  g_assert_cmpstr (gtk_label_get_label (child (st, "count_label")), ==, expected);
}

/* ---- Tests ---- */

static void
test_nurse_does_not_see_it (void)
{
  g_autoptr(AppTest) t = app_test_new ();

  app_test_sign_in (t, "N1001");
  g_assert_null (adw_view_stack_get_child_by_name (mar_workspace_get_sections (app_test_get_workspace (t)),
                                                   "shift-log"));
  g_assert_null (find_descendant (GTK_WIDGET (t->window), MAR_TYPE_SHIFT_LOG_PAGE));
}

static void
test_events_and_filters (void)
{
  g_autoptr(ShiftTest) st = shift_test_new ();
  MarShiftLog *log = mar_shift_log_page_get_log (st->page);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarShiftLog) direct = NULL;
  const MarShiftNurse *nurse;
  guint all = g_list_model_get_n_items (G_LIST_MODEL (log));
  guint expected;

  /* Every event the core reads, in the list. */
  direct = mar_shift_log_load (mar_terminal_get_store (mar_application_get_terminal (st->t->app)),
                               mar_verifier_get_library (mar_terminal_get_verifier (mar_application_get_terminal (st->t->app))),
                               mar_terminal_get_time_zone (mar_application_get_terminal (st->t->app)),
                               SHIFT_SEED_UNIT_ID, &st->shift,
                               mar_terminal_get_now (mar_application_get_terminal (st->t->app)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all, ==, g_list_model_get_n_items (G_LIST_MODEL (direct)));
  /* Per bed at least: NaCl start, site check, rate, pause, resume, complete,
   * a dose charted elsewhere. */
  g_assert_cmpuint (all, >=, BEDS * 7);
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, all);
  assert_count_label (st, all, all);
  g_assert_cmpuint (mar_shift_log_get_summary (log)->patients, ==, BEDS);

  /* The cards are the core's summary. */
  {
    g_assert_cmpuint (mar_shift_log_get_summary (log)->doses_missed, >, 0);
    g_assert_cmpuint (mar_shift_log_get_summary (log)->reactions, >, 0);
    g_assert_cmpuint (mar_shift_log_get_summary (log)->overrides, >, 0);
  }

  /* By nurse. */
  nurse = g_ptr_array_index (mar_shift_log_get_nurses (log), 0);
  expected = count_events (log, nurse->staff_id, MAR_SHIFT_FLAG_NONE);
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, all);
  g_assert_true (mar_shift_log_page_set_filter (st->page, NULL, nurse->staff_id, MAR_SHIFT_FLAG_NONE));
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, expected);
  assert_count_label (st, expected, all);

  /* By flag. */
  expected = count_events (log, NULL, MAR_SHIFT_FLAG_MISSED);
  g_assert_cmpuint (expected, ==, mar_shift_log_get_summary (log)->doses_missed);
  g_assert_true (mar_shift_log_page_set_filter (st->page, NULL, NULL, MAR_SHIFT_FLAG_MISSED));
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, expected);
  assert_count_label (st, expected, all);

  /* Entered in error: shown, never hidden. */
  expected = count_events (log, NULL, MAR_SHIFT_FLAG_ENTERED_IN_ERROR);
  g_assert_cmpuint (expected, >, 0);
  g_assert_true (mar_shift_log_page_set_filter (st->page, NULL, NULL, MAR_SHIFT_FLAG_ENTERED_IN_ERROR));
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, expected);

  /* By patient and flag together. */
  g_assert_true (mar_shift_log_page_set_filter (st->page, "pt-4e-01", NULL, MAR_SHIFT_FLAG_OVERRIDE));
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, 1);

  /* The nurse dropdown drives the same filter. */
  mar_shift_log_page_set_filter (st->page, NULL, NULL, MAR_SHIFT_FLAG_NONE);
  gtk_drop_down_set_selected (child (st, "nurse_dropdown"), 1);
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, count_events (log, nurse->staff_id, 0));
  gtk_drop_down_set_selected (child (st, "nurse_dropdown"), 0);
  g_assert_cmpuint (mar_shift_log_page_get_n_shown (st->page), ==, all);

  /* An unknown patient is refused, not silently ignored. */
  g_assert_false (mar_shift_log_page_set_filter (st->page, "pt-nobody", NULL, MAR_SHIFT_FLAG_NONE));
}

static void
test_timeline (void)
{
  g_autoptr(ShiftTest) st = shift_test_new ();
  MarShiftTimeline *timeline = child (st, "timeline");
  GtkListBox *patients = child (st, "patients_list");

  /* Built when its tab is shown; the first patient with bags is picked:
   * a NaCl bag and two doses. */
  g_assert_null (gtk_list_box_get_row_at_index (patients, 0));
  gtk_stack_set_visible_child_name (child (st, "view_stack"), "timeline");
  g_assert_cmpstr (mar_shift_timeline_get_patient (timeline), ==, "pt-4e-01");
  g_assert_cmpuint (mar_shift_timeline_get_n_bags (timeline), ==, 3);
  g_assert_cmpuint (mar_shift_timeline_get_n_reactions (timeline), ==, 0);
  /* Each patient's row: the core's IV intake in the shift. */
  {
    GPtrArray *log_patients = mar_shift_log_get_patients (mar_shift_log_page_get_log (st->page));

    g_assert_cmpuint (log_patients->len, ==, BEDS);
    for (guint i = 0; i < log_patients->len; i++)
      {
        const MarShiftPatient *patient = g_ptr_array_index (log_patients, i);
        g_autofree char *expected = g_strdup_printf ("%.0f mL", patient->iv_intake_ml);
        GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (patients, (int) i));
        g_autofree char *text = NULL;

        g_assert_nonnull (row);
        g_assert_cmpfloat (patient->iv_intake_ml, >, 0);
        /* The suffix label is the row's last label: find it by its text. */
        for (GtkWidget *w = row; w != NULL; w = gtk_widget_get_last_child (w))
          if (GTK_IS_BOX (w))
            for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
              if (GTK_IS_LABEL (c) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (c)), expected) == 0)
                text = g_strdup (expected);
        g_assert_cmpstr (text, ==, expected);
      }
  }

  /* Bed 2 had a reaction to a dose. */
  gtk_list_box_select_row (patients, gtk_list_box_get_row_at_index (patients, 1));
  g_assert_cmpstr (mar_shift_timeline_get_patient (timeline), ==, "pt-4e-02");
  g_assert_cmpuint (mar_shift_timeline_get_n_reactions (timeline), ==, 1);
  app_test_wait (200);
}

/* The whole audit chain (review entries are not FHIR resources to push). */
static GPtrArray *
list_chain (ShiftTest *st)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = mar_audit_list_entries (mar_terminal_get_store (mar_application_get_terminal (st->t->app)),
                                               1, -1, &error);

  g_assert_no_error (error);
  return entries;
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_note_sign_off_export (void)
{
  g_autoptr(ShiftTest) st = shift_test_new ();
  MarTerminal *terminal = mar_application_get_terminal (st->t->app);
  MarShiftLog *log = mar_shift_log_page_get_log (st->page);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *missed_path = NULL;
  g_autofree char *printed_path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  const char *payload;
  MarShiftLogEvent *event;

  /* A note on the missed dose. */
  event = first_event_with (log, MAR_SHIFT_FLAG_MISSED);
  g_assert_nonnull (event);
  key = g_strdup (mar_shift_log_event_get_key (event));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.add-note", NULL)
                  && gtk_revealer_get_reveal_child (child (st, "note_revealer")));
  g_assert_true (mar_shift_log_page_select_event (st->page, key));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.add-note", NULL));
  g_assert_true (gtk_revealer_get_reveal_child (child (st, "note_revealer")));
  gtk_editable_set_text (child (st, "note_entry"), "Pharmacy delay; prescriber informed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.save-note", NULL));
  wait_loaded (st->page);
  log = mar_shift_log_page_get_log (st->page);
  event = mar_shift_log_lookup_event (log, key);
  g_assert_nonnull (event);
  g_assert_cmpstr (mar_shift_log_event_get_note (event), ==, "Pharmacy delay; prescriber informed");
  g_assert_true (mar_shift_log_event_get_flags (event) & MAR_SHIFT_FLAG_REVIEWED);
  /* Back on the same event. */
  g_assert_true (gtk_single_selection_get_selected_item (
                   GTK_SINGLE_SELECTION (gtk_column_view_get_model (child (st, "column_view")))) == event);
  entries = list_chain (st);
  g_assert_nonnull (app_test_entry_payload (entries, "review-note"));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Sign-off: a wrong PIN is refused and nothing is signed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.sign-off", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (st, "main_stack")), ==, "sign-off");
  app_test_scan (st->t, CHARGE_BADGE);
  g_assert_cmpstr (gtk_editable_get_text (child (st, "badge_entry")), ==, CHARGE_BADGE);
  app_test_keypad (child (st, "keypad"), "9999");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.confirm-sign-off", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (st, "main_stack")), ==, "sign-off");
  g_assert_true (gtk_widget_get_visible (child (st, "sign_off_error")));
  g_assert_null (mar_shift_log_get_sign_off (log));
  /* The PIN never stays on screen. */
  g_assert_cmpstr (gtk_editable_get_text (child (st, "pin_entry")), ==, "");

  /* A nurse's badge cannot sign off. */
  g_assert_false (mar_shift_log_page_sign_off (st->page, "N1001", AT_PIN, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* The charge nurse's badge and PIN. */
  app_test_keypad (child (st, "keypad"), AT_PIN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.confirm-sign-off", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (st, "main_stack")), ==, "log");
  g_assert_nonnull (mar_shift_log_get_sign_off (log));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (child (st, "sign_off_label")), "Signed off by"));
  {
    g_autofree char *expected = mar_shift_log_dup_sign_off_text (log);

    g_assert_cmpstr (gtk_label_get_label (child (st, "sign_off_label")), ==, expected);
  }
  g_assert_false (gtk_widget_get_visible (child (st, "changed_label")));
  entries = list_chain (st);
  payload = app_test_entry_payload (entries, "shift-signed-off");
  g_assert_nonnull (payload);
  g_assert_true (contains (payload, SHIFT_SEED_UNIT_ID));

  /* Exports: through the action with an injected path, and the module. */
  folder = g_dir_make_tmp ("shift-log-export-XXXXXX", &error);
  g_assert_no_error (error);
  csv_path = g_build_filename (folder, "shift-log.csv", NULL);
  pdf_path = g_build_filename (folder, "shift-log.pdf", NULL);
  missed_path = g_build_filename (folder, "missed.pdf", NULL);
  printed_path = g_build_filename (folder, "printed.pdf", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.export-to", "(sss)",
                                             "shift-log", "csv", csv_path));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (st->page), "shift-log.export-to", "(sss)",
                                             "shift-log", "pdf", pdf_path));
  g_assert_true (mar_shift_log_page_export (st->page, MAR_REPORT_MISSED, MAR_REPORT_FORMAT_PDF, missed_path, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (contains (csv, "OKAFOR"));
  g_assert_true (contains (csv, "LINDQVIST"));

  text = pdf_text (pdf_path);
  g_assert_true (contains (text, SHIFT_SEED_UNIT_NAME));
  g_assert_true (contains (text, "OKAFOR"));
  g_assert_true (contains (text, "LINDQVIST"));
  g_assert_true (contains (text, "Signed off by"));
  g_clear_pointer (&text, g_free);
  text = pdf_text (missed_path);
  g_assert_true (contains (text, "Missed"));
  g_assert_true (contains (text, SHIFT_SEED_UNIT_NAME));
  g_clear_pointer (&text, g_free);

  /* Printing draws the same pages through GtkPrintOperation. */
  {
    g_autoptr(MarReport) report = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG,
                                                              mar_terminal_get_now (terminal));
    g_autofree char *name = mar_report_export_dup_file_name (report, MAR_REPORT_FORMAT_PDF);

    g_assert_true (g_str_has_prefix (name, "shift-log-4-east-"));
    g_assert_true (mar_report_export_print_to_file (report, printed_path, &error));
    g_assert_no_error (error);
    text = pdf_text (printed_path);
    g_assert_true (contains (text, SHIFT_SEED_UNIT_NAME));
    g_assert_true (contains (text, "Signed off by"));
  }

  /* A dose charted elsewhere after the sign-off: the page says so. */
  {
    g_autoptr(MarAdministration) a = mar_administration_new ();
    MarResourceInfo info = { mar_terminal_get_now (terminal), NULL };

    a->id = g_strdup ("ma-4e-late-chart");
    a->version = g_strdup ("1");
    a->source = g_strdup ("urn:bedside-mar:terminal:4E-CART");
    a->patient_id = g_strdup ("pt-4e-03");
    a->status = g_strdup ("completed");
    a->start = st->shift.start + 2 * 3600;
    a->end = st->shift.start + 3 * 3600;
    a->due_time = MAR_TIME_UNSET;
    a->performer_id = g_strdup ("prac-n1003");
    mar_quantity_set (&a->dose, 100, "mL");
    mar_quantity_set (&a->rate, 100, "mL/h");
    g_assert_true (mar_store_upsert_administration (mar_terminal_get_store (terminal), a, &info, NULL, &error));
    g_assert_no_error (error);
  }
  mar_shift_log_page_load (st->page, SHIFT_SEED_UNIT_ID, &st->shift);
  wait_loaded (st->page);
  g_assert_true (mar_shift_log_is_changed_since_sign_off (mar_shift_log_page_get_log (st->page)));
  g_assert_true (gtk_widget_get_visible (child (st, "changed_label")));

  g_unlink (csv_path);
  g_unlink (pdf_path);
  g_unlink (missed_path);
  g_unlink (printed_path);
  g_rmdir (folder);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/shift-log/nurse-does-not-see-it", test_nurse_does_not_see_it);
  g_test_add_func ("/app/shift-log/events-and-filters", test_events_and_filters);
  g_test_add_func ("/app/shift-log/timeline", test_timeline);
  g_test_add_func ("/app/shift-log/note-sign-off-export", test_note_sign_off_export);
  return g_test_run ();
}
