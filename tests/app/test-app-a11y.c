/* test-app-a11y.c — what a screen reader and a keyboard user get
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (8): widgets have accessible labels; a verdict and an offline
 * terminal are announced (role alert); icons that repeat the words are
 * hidden. Run with GTK_A11Y=test (GTK's test accessibility backend).
 */

#include "config.h"

#include <string.h>

#include "app-test-util.h"
#include "mar-bed-row.h"
#include "mar-board-page.h"
#include "mar-keypad.h"
#include "mar-sign-in-page.h"
#include "mar-verdict-page.h"

static void
test_sign_in_labels (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *page = mar_window_get_sign_in_page (t->window);
  GtkWidget *badge = app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "badge_entry");
  GtkWidget *pin = app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "pin_entry");
  GtkWidget *keypad = app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "keypad");
  GtkWidget *message = app_test_child (page, MAR_TYPE_SIGN_IN_PAGE, "message_box");
  GtkWidget *button;

  gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_LABEL, "Badge number");
  gtk_test_accessible_assert_property (pin, GTK_ACCESSIBLE_PROPERTY_LABEL, "PIN");
  gtk_test_accessible_assert_role (keypad, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_role (message, GTK_ACCESSIBLE_ROLE_ALERT);

  /* Every key of the keypad is a button with a name, the icon-only ones
   * included. */
  for (button = gtk_widget_get_first_child (app_test_child (keypad, MAR_TYPE_KEYPAD, "grid"));
       button != NULL; button = gtk_widget_get_next_sibling (button))
    {
      if (GTK_IS_STACK (button))
        continue;
      gtk_test_accessible_assert_role (button, GTK_ACCESSIBLE_ROLE_BUTTON);
      if (gtk_button_get_label (GTK_BUTTON (button)) == NULL)
        g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
}

static void
test_board_rows_are_sentences (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *row;

  app_test_sign_in (t, "N1001");
  row = mar_board_page_get_row (MAR_BOARD_PAGE (app_test_get_page (t, "board")), "pt-4w-02");
  g_assert_nonnull (row);
  /* Bed, name, allergies, infusions: read in one go. */
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Bed 4W-02: QUILLFEATHER, Tobias. Has allergies. 1 infusion running. 1 dose due now.");
}

static void
test_verdict_is_announced (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *band;

  app_test_sign_in (t, "N1001");
  app_test_scan (t, "74120318");
  /* S31: ROUTE_MISMATCH, a hard stop. */
  app_test_scan (t, "(01)00303380048045(17)301231(10)G219870(21)S31");
  band = app_test_child (app_test_get_page (t, "verdict"), MAR_TYPE_VERDICT_PAGE, "verdict_band");
  gtk_test_accessible_assert_role (band, GTK_ACCESSIBLE_ROLE_ALERT);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (band), GTK_ACCESSIBLE_PROPERTY_LABEL));
  /* Keyboard: with nothing to give, the focus is on the way back. */
  g_assert_true (gtk_widget_has_focus (app_test_child (app_test_get_page (t, "verdict"), MAR_TYPE_VERDICT_PAGE,
                                                       "close_button")));
}

static void
test_verdict_focus_goes_to_rate (void)
{
  g_autoptr(AppTest) t = app_test_new ();
  GtkWidget *rate;

  app_test_sign_in (t, "N1001");
  app_test_scan (t, "74120318");
  app_test_scan (t, "(01)00614141100101(17)301231(10)NS6021(21)S01");
  rate = app_test_child (app_test_get_page (t, "verdict"), MAR_TYPE_VERDICT_PAGE, "rate_entry");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (t->window)), rate) ||
                 gtk_root_get_focus (GTK_ROOT (t->window)) == rate);
  gtk_test_accessible_assert_property (rate, GTK_ACCESSIBLE_PROPERTY_LABEL, "Rate in millilitres per hour");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/a11y/sign-in-labels", test_sign_in_labels);
  g_test_add_func ("/app/a11y/board-rows", test_board_rows_are_sentences);
  g_test_add_func ("/app/a11y/verdict-announced", test_verdict_is_announced);
  g_test_add_func ("/app/a11y/verdict-focus-rate", test_verdict_focus_goes_to_rate);

  return g_test_run ();
}
