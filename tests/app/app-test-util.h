/* app-test-util.h — the bedside app on a fresh demo ward, for the UI tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test gets its own copy of the demo ward, moved in time so that its
 * "now" is this moment (as ./tools/demo does: the scenarios of
 * data/demo/README.md hold on the real clock), with PIN 1234 for every
 * member of staff, a configuration file naming the unit, and a window of
 * the real application. Scans go through the window's wedge as a scanner
 * types them (5 ms between keys, then Enter).
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-application.h"
#include "mar-window.h"

G_BEGIN_DECLS

#define AT_PIN "1234"

typedef struct
{
  char           *folder;
  char           *db;
  char           *config;
  MarApplication *app;
  MarWindow      *window;
} AppTest;

/* A demo ward imported at the real clock, with PINs (made once per test
 * program and copied for each test). */
AppTest     *app_test_new             (void);
/* The ward, its database and configuration only: no application (the
 * tests that run the real program). */
AppTest     *app_test_new_ward        (void);
void         app_test_free            (AppTest    *t);

/* Runs the main loop for @ms milliseconds. */
void         app_test_wait            (guint       ms);
/* Runs the main loop until @condition (polled) or @timeout_ms. */
gboolean     app_test_wait_for        (gboolean  (*condition) (gpointer data),
                                       gpointer    data,
                                       guint       timeout_ms);

/* Types @text into the window's wedge as a scanner does, Enter last. */
void         app_test_scan            (AppTest    *t,
                                       const char *text);
/* Types @text as a person does (120 ms between keys), without Enter. */
void         app_test_type            (AppTest    *t,
                                       const char *text);
/* Badge scan, PIN on the keypad, Sign in. */
void         app_test_sign_in         (AppTest    *t,
                                       const char *badge);
MarWorkspace *app_test_get_workspace  (AppTest    *t);
/* (transfer none) A page of the workspace: "board", "patient"… */
GtkWidget   *app_test_get_page        (AppTest    *t,
                                       const char *name);
const char  *app_test_get_page_name   (AppTest    *t);
/* A template child bound by name (gtk_widget_get_template_child). */
gpointer     app_test_child           (gpointer    widget,
                                       GType       type,
                                       const char *name);
/* Presses the keypad key @digit of @keypad. */
void         app_test_keypad          (GtkWidget  *keypad,
                                       const char *keys);
/* Clicks a toggle button of a choice group by its code. */
void         app_test_choose          (GtkWidget  *choice_group,
                                       const char *code);
/* The entries of this terminal's record (MarAuditEntry), oldest first. */
GPtrArray   *app_test_list_entries    (AppTest    *t);
/* The newest entry of @kind, or NULL. (transfer none) */
const char  *app_test_entry_payload   (GPtrArray  *entries,
                                       const char *kind);
/* The patient's bags of this terminal (MarInfusion), newest first. */
GPtrArray   *app_test_list_bags       (AppTest    *t,
                                       const char *patient_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AppTest, app_test_free)

G_END_DECLS
