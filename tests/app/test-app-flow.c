/* test-app-flow.c — the bedside app's whole flow, driven in-process
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7, Done when: sign-in, a wristband scan typed as a scanner types
 * it (through the window's wedge), bag scans with verdicts pass, warn and
 * block, override with a reason, witness, start, rate change, reaction,
 * stop, and auto-lock — asserting on the widgets and on the record.
 * Scenarios are those of data/demo/README.md (S01, S31, S45, S55).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "app-test-util.h"
#include "mar-action-page.h"
#include "mar-audit.h"
#include "mar-board-page.h"
#include "mar-choice-group.h"
#include "mar-keypad.h"
#include "mar-patient-page.h"
#include "mar-report-export.h"
#include "mar-sign-in-page.h"
#include "mar-sound.h"
#include "mar-unable-to-scan-page.h"
#include "mar-verdict-page.h"
#include "mar-witness-box.h"

#define BED1_WRISTBAND  "74120318"
#define BED3_WRISTBAND  "74120529"
#define BED4_GSRN       "(8018)061414100741206836"
#define NACL_S01        "(01)00614141100101(17)301231(10)NS6021(21)S01"
#define IRRIGATION_S31  "(01)00303380048045(17)301231(10)G219870(21)S31"
#define VANCOMYCIN_S45  "(01)00614141201105(17)301231(10)VA2207(21)S45"
#define INSULIN_S55     "(01)00614141302109(17)301231(10)IN0415(21)S55"

static GtkWidget *
verdict_child (AppTest    *t,
               const char *name)
{
  return app_test_child (app_test_get_page (t, "verdict"), MAR_TYPE_VERDICT_PAGE, name);
}

static void
open_bed1_and_scan (AppTest    *t,
                    const char *bag)
{
  app_test_sign_in (t, "N1001");
  app_test_scan (t, BED1_WRISTBAND);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");
  app_test_scan (t, bag);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "verdict");
}

static MarInfusion *
only_bag (AppTest    *t,
          const char *patient_id)
{
  g_autoptr(GPtrArray) bags = app_test_list_bags (t, patient_id);

  g_assert_cmpuint (bags->len, ==, 1);
  return g_ptr_array_steal_index (bags, 0);
}

/* ---- Sign-in ---- */

static void
test_sign_in_wrong_pin (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *page = mar_window_get_sign_in_page (t->window);
  GtkLabel *message = app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "message_label");

  app_test_scan (t, "N1001");
  /* The badge's owner is named before the PIN (the nurse sees it was read). */
  g_assert_cmpstr (gtk_label_get_label (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "staff_label")), ==,
                   "Grace Adeyemi-Holt");
  app_test_keypad (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "keypad"), "9999");
  g_assert_true (gtk_widget_activate_action (page, "sign-in.submit", NULL));
  g_assert_null (mar_window_get_workspace (t->window));
  g_assert_true (gtk_widget_get_visible (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "message_box")));
  g_assert_cmpstr (gtk_label_get_label (message), !=, "");
  /* The PIN never stays on screen. */
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "pin_entry")), ==, "");
}

static void
test_sign_in_inactive (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *page = mar_window_get_sign_in_page (t->window);

  /* N1007 is inactive: the core refuses whatever the PIN. */
  mar_sign_in_page_set_badge (MAR_SIGN_IN_PAGE (page), "N1007");
  app_test_keypad (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "keypad"), AT_PIN);
  g_assert_true (gtk_widget_activate_action (page, "sign-in.submit", NULL));
  g_assert_null (mar_window_get_workspace (t->window));
  g_assert_true (gtk_widget_get_visible (app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "message_box")));
}

static void
test_sign_in_shows_board (void)
{
  g_autoptr(AppTest) t = app_test_new ();

  app_test_sign_in (t, "N1001");
  g_assert_nonnull (mar_window_get_workspace (t->window));
  g_assert_cmpstr (app_test_get_page_name (t), ==, "board");
  /* The demo ward: 12 beds of 4 West. */
  g_assert_cmpuint (mar_board_page_get_n_beds (MAR_BOARD_PAGE (app_test_get_page (t, "board"))), ==, 12);
}

/* ---- Scanning ---- */

static void
test_scan_wristband_opens_patient (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarPatientPage *patient;

  app_test_sign_in (t, "N1001");
  app_test_scan (t, BED1_WRISTBAND);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");
  patient = MAR_PATIENT_PAGE (app_test_get_page (t, "patient"));
  g_assert_cmpstr (mar_patient_page_get_patient_id (patient), ==, "pt-4w-01");
  g_assert_nonnull (mar_patient_page_get_wristband (patient));
}

static void
test_scan_never_lands_in_a_text_field (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *unable;
  GtkEditable *name;

  app_test_sign_in (t, "N1001");
  g_assert_true (gtk_widget_activate_action (app_test_get_page (t, "board"), "workspace.unable-to-scan", NULL));
  unable = app_test_get_page (t, "unable-to-scan");
  name = GTK_EDITABLE (mar_unable_to_scan_page_get_field (MAR_UNABLE_TO_SCAN_PAGE (unable), "name"));
  gtk_widget_grab_focus (GTK_WIDGET (name));

  /* A person's typing lands in the field… */
  app_test_type (t, "Okonkwo");
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Okonkwo");
  /* …a scanner's never does: it is a scan, wherever the focus is. */
  app_test_scan (t, BED1_WRISTBAND);
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Okonkwo");
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");
}

static void
test_unable_to_scan_wristband (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarUnableToScanPage *unable;
  GtkFlowBox *patients;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  app_test_sign_in (t, "N1001");
  g_assert_true (gtk_widget_activate_action (app_test_get_page (t, "board"), "workspace.unable-to-scan", NULL));
  unable = MAR_UNABLE_TO_SCAN_PAGE (app_test_get_page (t, "unable-to-scan"));
  app_test_choose (mar_unable_to_scan_page_get_field (unable, "reason"), "damaged-wristband");
  patients = GTK_FLOW_BOX (mar_unable_to_scan_page_get_field (unable, "patients"));
  gtk_flow_box_select_child (patients, gtk_flow_box_get_child_at_index (patients, 0));
  /* One identifier is not enough (NPSG.01.01.01). */
  gtk_editable_set_text (GTK_EDITABLE (mar_unable_to_scan_page_get_field (unable, "name")), "Okonkwo-Fairweather");
  g_assert_false (mar_unable_to_scan_page_continue (unable));
  gtk_editable_set_text (GTK_EDITABLE (mar_unable_to_scan_page_get_field (unable, "birth-date")), "1958-03-14");
  g_assert_true (mar_unable_to_scan_page_continue (unable));
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");

  /* The bag is scanned; the whole check runs; the start records the
   * wristband as not scanned, with its reason. */
  app_test_scan (t, NACL_S01);
  g_assert_cmpint (mar_verdict_page_get_kind (MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"))), ==, MAR_VERDICT_PASS);
  mar_verdict_page_start (MAR_VERDICT_PAGE (app_test_get_page (t, "verdict")));
  bag = only_bag (t, "pt-4w-01");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  entries = app_test_list_entries (t);
  g_assert_nonnull (strstr (app_test_entry_payload (entries, "infusion-started"), "damaged-wristband"));
}

/* ---- Verdicts ---- */

static void
test_verdict_pass_and_start (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  g_autoptr(MarInfusion) bag = NULL;
  GtkWidget *start;

  open_bed1_and_scan (t, NACL_S01);
  g_assert_cmpint (mar_verdict_page_get_kind (MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"))), ==, MAR_VERDICT_PASS);
  g_assert_true (gtk_widget_has_css_class (verdict_child (t, "verdict_band"), "pass"));
  start = verdict_child (t, "start_button");
  g_assert_true (gtk_widget_get_visible (start));
  /* The ordered rate (75 mL/h) is prefilled. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (verdict_child (t, "rate_entry"))), ==, "75");

  g_assert_true (gtk_widget_activate_action (app_test_get_page (t, "verdict"), "verdict.start", NULL));
  app_test_wait (50);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");
  bag = only_bag (t, "pt-4w-01");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat (bag->rate_ml_per_h, ==, 75.0);
  g_assert_nonnull (mar_patient_page_get_bag_row (MAR_PATIENT_PAGE (app_test_get_page (t, "patient")), bag->id));
}

static void
test_verdict_block (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  guint alerts = mar_sound_get_alert_count ();
  g_autoptr(GPtrArray) bags = NULL;

  /* S31: an irrigation bottle for an IV order: ROUTE_MISMATCH. */
  open_bed1_and_scan (t, IRRIGATION_S31);
  g_assert_cmpint (mar_verdict_page_get_kind (MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"))), ==, MAR_VERDICT_BLOCK);
  g_assert_true (gtk_widget_has_css_class (verdict_child (t, "verdict_band"), "block"));
  g_assert_false (gtk_widget_get_visible (verdict_child (t, "start_button")));
  g_assert_true (gtk_widget_get_visible (verdict_child (t, "do_not_give_label")));
  /* The error sound (silent under tests, but asked for). */
  g_assert_cmpuint (mar_sound_get_alert_count (), ==, alerts + 1);
  /* Start cannot be reached: the action does nothing with a block. */
  gtk_widget_activate_action (app_test_get_page (t, "verdict"), "verdict.start", NULL);
  bags = app_test_list_bags (t, "pt-4w-01");
  g_assert_cmpuint (bags->len, ==, 0);
}

static void
test_verdict_warn_needs_reason (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarVerdictPage *verdict;
  GtkWidget *groups;
  g_autoptr(GPtrArray) bags = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  /* S45: a low-criticality vancomycin allergy: ALLERGY (warn). */
  app_test_sign_in (t, "N1001");
  app_test_scan (t, BED3_WRISTBAND);
  app_test_scan (t, VANCOMYCIN_S45);
  verdict = MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"));
  g_assert_cmpint (mar_verdict_page_get_kind (verdict), ==, MAR_VERDICT_WARN);
  g_assert_true (gtk_widget_has_css_class (verdict_child (t, "verdict_band"), "warn"));
  g_assert_true (gtk_widget_get_visible (verdict_child (t, "overrides_box")));

  /* No reason: refused, nothing recorded. */
  mar_verdict_page_start (verdict);
  g_assert_true (gtk_widget_get_visible (verdict_child (t, "error_box")));
  bags = app_test_list_bags (t, "pt-4w-03");
  g_assert_cmpuint (bags->len, ==, 0);

  groups = verdict_child (t, "override_groups");
  g_assert_cmpstr (mar_choice_group_get_key (MAR_CHOICE_GROUP (gtk_widget_get_first_child (groups))), ==, "ALLERGY");
  app_test_choose (gtk_widget_get_first_child (groups), "provider-aware");
  mar_verdict_page_start (verdict);
  bag = only_bag (t, "pt-4w-03");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  entries = app_test_list_entries (t);
  g_assert_nonnull (strstr (app_test_entry_payload (entries, "infusion-started"), "provider-aware"));
}

static void
test_verdict_witness (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarVerdictPage *verdict;
  GtkWidget *witness;
  g_autoptr(GPtrArray) bags = NULL;
  g_autoptr(MarInfusion) bag = NULL;

  /* S55: insulin, a high-alert drug: a second nurse signs. */
  app_test_sign_in (t, "N1001");
  app_test_scan (t, BED4_GSRN);
  app_test_scan (t, INSULIN_S55);
  verdict = MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"));
  g_assert_cmpint (mar_verdict_page_get_kind (verdict), ==, MAR_VERDICT_PASS);
  g_assert_true (gtk_widget_get_visible (verdict_child (t, "witness_slot")));

  mar_verdict_page_start (verdict);
  bags = app_test_list_bags (t, "pt-4w-04");
  g_assert_cmpuint (bags->len, ==, 0);

  /* The performer cannot witness their own dose. */
  app_test_scan (t, "N1001");
  witness = gtk_widget_get_first_child (verdict_child (t, "witness_slot"));
  app_test_keypad (app_test_child (witness, MAR_TYPE_WITNESS_BOX, "keypad"), AT_PIN);
  g_assert_false (mar_witness_box_confirm (MAR_WITNESS_BOX (witness)));
  g_assert_null (mar_witness_box_get_signature (MAR_WITNESS_BOX (witness)));

  /* N1002 scans their badge at this screen and types their PIN. */
  app_test_scan (t, "N1002");
  g_assert_cmpstr (app_test_get_page_name (t), ==, "verdict");
  app_test_keypad (app_test_child (witness, MAR_TYPE_WITNESS_BOX, "keypad"), AT_PIN);
  g_assert_true (mar_witness_box_confirm (MAR_WITNESS_BOX (witness)));
  mar_verdict_page_start (verdict);
  bag = only_bag (t, "pt-4w-04");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  g_assert_nonnull (bag->witness_id);
  g_assert_cmpstr (bag->witness_id, !=, bag->performer_id);
}

/* ---- Documenting ---- */

static gint64
start_nacl (AppTest *t)
{
  g_autoptr(MarInfusion) bag = NULL;

  open_bed1_and_scan (t, NACL_S01);
  mar_verdict_page_start (MAR_VERDICT_PAGE (app_test_get_page (t, "verdict")));
  bag = only_bag (t, "pt-4w-01");
  return bag->id;
}

static MarActionPage *
open_action (AppTest           *t,
             gint64             infusion,
             MarInfusionAction  action)
{
  g_signal_emit_by_name (app_test_get_page (t, "patient"), "bag-action", infusion, (int) action);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "action");
  return MAR_ACTION_PAGE (app_test_get_page (t, "action"));
}

static void
test_document_rate_change_and_undo (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  gint64 infusion = start_nacl (t);
  MarActionPage *action = open_action (t, infusion, MAR_INFUSION_ACTION_RATE);
  GtkEditable *rate = GTK_EDITABLE (mar_action_page_get_field (action, "rate"));
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(MarInfusion) undone = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const MarAuditEntry *last;

  /* Prefilled with the current rate; retyped on the keypad. */
  g_assert_cmpstr (gtk_editable_get_text (rate), ==, "75");
  gtk_editable_set_text (rate, "");
  app_test_keypad (gtk_widget_get_next_sibling (gtk_widget_get_parent (GTK_WIDGET (rate))), "80");
  g_assert_cmpstr (gtk_editable_get_text (rate), ==, "80");
  /* A reason is required. */
  g_assert_false (mar_action_page_save (action));
  app_test_choose (mar_action_page_get_field (action, "reason"), "titration-protocol");
  /* 80 mL/h is not the ordered 75: the rate check warns (RATE_MISMATCH)
   * and the warning needs its own reason. */
  g_assert_false (mar_action_page_save (action));
  g_assert_nonnull (mar_action_page_get_field (action, "override:RATE_MISMATCH"));
  app_test_choose (mar_action_page_get_field (action, "override:RATE_MISMATCH"), "titration-protocol");
  g_assert_true (mar_action_page_save (action));
  g_assert_cmpstr (app_test_get_page_name (t), ==, "patient");
  bag = only_bag (t, "pt-4w-01");
  g_assert_cmpfloat (bag->rate_ml_per_h, ==, 80.0);

  /* Undo from the toast: a correction, never an erasure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->window), "win.undo", "x", bag->updated_seq));
  undone = only_bag (t, "pt-4w-01");
  g_assert_cmpfloat (undone->rate_ml_per_h, ==, 75.0);
  entries = app_test_list_entries (t);
  last = g_ptr_array_index (entries, entries->len - 1);
  g_assert_cmpstr (last->kind, ==, "correction");
  g_assert_cmpint (last->corrects_seq, ==, bag->updated_seq);
}

static void
test_document_reaction (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  gint64 infusion = start_nacl (t);
  MarActionPage *action = open_action (t, infusion, MAR_INFUSION_ACTION_REACTION);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  const char *payload;

  app_test_choose (mar_action_page_get_field (action, "kind"), "chills");
  app_test_choose (mar_action_page_get_field (action, "severity"), "mild");
  app_test_choose (mar_action_page_get_field (action, "actions"), "slowed");
  app_test_choose (mar_action_page_get_field (action, "actions"), "provider-notified");
  /* Mild: no "keep running" question. */
  g_assert_false (gtk_widget_get_visible (mar_action_page_get_field (action, "keep-running")));
  g_assert_true (mar_action_page_save (action));

  entries = app_test_list_entries (t);
  payload = app_test_entry_payload (entries, "reaction");
  g_assert_nonnull (payload);
  g_assert_nonnull (strstr (payload, "chills"));
  g_assert_nonnull (strstr (payload, "provider-notified"));
  bag = only_bag (t, "pt-4w-01");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
}

static void
test_document_severe_reaction_shows_keep_running (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  gint64 infusion = start_nacl (t);
  MarActionPage *action = open_action (t, infusion, MAR_INFUSION_ACTION_REACTION);

  app_test_choose (mar_action_page_get_field (action, "severity"), "severe");
  g_assert_true (gtk_widget_get_visible (mar_action_page_get_field (action, "keep-running")));
}

static void
test_document_stop (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  gint64 infusion = start_nacl (t);
  MarActionPage *action = open_action (t, infusion, MAR_INFUSION_ACTION_STOP);
  GtkEditable *volume = GTK_EDITABLE (mar_action_page_get_field (action, "volume"));
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  app_test_choose (mar_action_page_get_field (action, "reason"), "patient-request");
  /* The pump says 12 mL: the nurse corrects the estimate. */
  gtk_editable_set_text (volume, "12");
  g_assert_true (mar_action_page_save (action));
  bag = only_bag (t, "pt-4w-01");
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_STOPPED);
  g_assert_cmpuint (bag->volume_checks->len, ==, 1);
  g_assert_cmpfloat (g_array_index (bag->volume_checks, MarVolumeCheck, 0).confirmed_ml, ==, 12.0);
  entries = app_test_list_entries (t);
  g_assert_nonnull (app_test_entry_payload (entries, "stopped"));
}

static void
test_document_hold_due_dose (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  MarActionPage *action;
  g_autoptr(GPtrArray) bags = NULL;
  const MarInfusion *bag;

  /* Bed 4W-03's vancomycin is due now (S45): held, with a reason. */
  app_test_sign_in (t, "N1001");
  app_test_scan (t, BED3_WRISTBAND);
  g_signal_emit_by_name (app_test_get_page (t, "patient"), "not-given", "mr-4w-03-vancomycin");
  action = MAR_ACTION_PAGE (app_test_get_page (t, "action"));
  app_test_choose (mar_action_page_get_field (action, "kind"), "hold");
  app_test_choose (mar_action_page_get_field (action, "reason"), "lab-results");
  g_assert_true (mar_action_page_save (action));
  bags = app_test_list_bags (t, "pt-4w-03");
  g_assert_cmpuint (bags->len, ==, 1);
  bag = g_ptr_array_index (bags, 0);
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_HELD);
  g_assert_cmpstr (bag->state_reason, ==, "lab-results");
}

/* ---- Auto-lock ---- */

static gboolean
is_locked (gpointer data)
{
  AppTest *t = data;

  return mar_window_get_workspace (t->window) == NULL;
}

static void
test_auto_lock_keeps_work_for_its_owner (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  gint64 infusion = start_nacl (t);
  MarActionPage *action = open_action (t, infusion, MAR_INFUSION_ACTION_RATE);
  GtkEditable *rate = GTK_EDITABLE (mar_action_page_get_field (action, "rate"));
  MarWorkspace *first = mar_window_get_workspace (t->window);

  gtk_editable_set_text (rate, "110");
  mar_window_set_auto_lock_seconds (t->window, 1);
  g_assert_true (app_test_wait_for (is_locked, t, 3000));
  g_assert_cmpuint (mar_window_get_n_parked (t->window), ==, 1);
  g_assert_true (gtk_widget_get_visible (app_test_child (mar_window_get_sign_in_page (t->window),
                                                         MAR_TYPE_SIGN_IN_PAGE, "message_box")));

  /* Another nurse gets their own board, not the half-filled form. */
  mar_window_set_auto_lock_seconds (t->window, 600);
  app_test_sign_in (t, "N1002");
  g_assert_true (mar_window_get_workspace (t->window) != first);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "board");
  mar_window_lock (t->window, NULL);
  g_assert_cmpuint (mar_window_get_n_parked (t->window), ==, 2);

  /* The first nurse comes back to the form as they left it. */
  app_test_sign_in (t, "N1001");
  g_assert_true (mar_window_get_workspace (t->window) == first);
  g_assert_cmpstr (app_test_get_page_name (t), ==, "action");
  g_assert_cmpstr (gtk_editable_get_text (rate), ==, "110");
  g_assert_cmpuint (mar_window_get_n_parked (t->window), ==, 1);
}

/* ---- Demo ---- */

static void
test_demo_label_sheet (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pdftotext = NULL;
  gsize length = 0;

  /* One click away on the sign-in screen, signed out. */
  g_assert_true (gtk_widget_get_visible (app_test_child (mar_window_get_sign_in_page (t->window),
                                                         MAR_TYPE_SIGN_IN_PAGE, "demo_box")));
  path = mar_window_write_label_sheet (t->window, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (length > 4 && memcmp (contents, "%PDF", 4) == 0);

  pdftotext = g_find_program_in_path ("pdftotext");
  if (pdftotext != NULL)
    {
      const char *argv[] = { "pdftotext", path, "-", NULL };

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   &text, NULL, NULL, &error));
      g_assert_no_error (error);
      /* Badges, wristbands, bags and pharmacy labels. */
      g_assert_nonnull (strstr (text, "Grace Adeyemi-Holt"));
      g_assert_nonnull (strstr (text, "MRN 74120318"));
      g_assert_nonnull (strstr (text, "RX-4W-000105"));
    }
}

/* ---- Downtime printout (issue 8) ---- */

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_downtime_printout (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pdftotext = NULL;
  g_autofree char *text = NULL;
  GtkWidget *button;

  app_test_sign_in (t, "N1001");
  /* One tap from the board, for every nurse. */
  button = find_actionable (app_test_get_page (t, "board"), "workspace.print-downtime");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  report = mar_workspace_build_downtime_report (app_test_get_workspace (t), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpint (report->kind, ==, MAR_REPORT_DOWNTIME);

  /* What the print operation puts on paper, read back. */
  dir = g_dir_make_tmp ("mar-downtime-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "downtime.pdf", NULL);
  g_assert_true (mar_report_export_print_to_file (report, path, &error));
  g_assert_no_error (error);
  pdftotext = g_find_program_in_path ("pdftotext");
  if (pdftotext != NULL)
    {
      const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   &text, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (text, "Downtime MAR"));
      g_assert_nonnull (strstr (text, "4 West"));
      g_assert_nonnull (strstr (text, "MRN 74120318"));
      g_assert_nonnull (strstr (text, "Last synced"));
    }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/sign-in/wrong-pin", test_sign_in_wrong_pin);
  g_test_add_func ("/app/sign-in/inactive", test_sign_in_inactive);
  g_test_add_func ("/app/sign-in/board", test_sign_in_shows_board);
  g_test_add_func ("/app/scan/wristband-opens-patient", test_scan_wristband_opens_patient);
  g_test_add_func ("/app/scan/never-in-a-text-field", test_scan_never_lands_in_a_text_field);
  g_test_add_func ("/app/scan/unable-to-scan-wristband", test_unable_to_scan_wristband);
  g_test_add_func ("/app/verdict/pass-start", test_verdict_pass_and_start);
  g_test_add_func ("/app/verdict/block", test_verdict_block);
  g_test_add_func ("/app/verdict/warn-override", test_verdict_warn_needs_reason);
  g_test_add_func ("/app/verdict/witness", test_verdict_witness);
  g_test_add_func ("/app/document/rate-change-undo", test_document_rate_change_and_undo);
  g_test_add_func ("/app/document/reaction", test_document_reaction);
  g_test_add_func ("/app/document/reaction-severe", test_document_severe_reaction_shows_keep_running);
  g_test_add_func ("/app/document/stop", test_document_stop);
  g_test_add_func ("/app/document/hold-due-dose", test_document_hold_due_dose);
  g_test_add_func ("/app/auto-lock/keeps-work-for-its-owner", test_auto_lock_keeps_work_for_its_owner);
  g_test_add_func ("/app/demo/label-sheet", test_demo_label_sheet);
  g_test_add_func ("/app/downtime/printout", test_downtime_printout);

  return g_test_run ();
}
