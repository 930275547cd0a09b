/* bench-app.c — the bedside app: start-up to ready-for-scan, scan to verdict
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7, Done when:
 * - start-up to ready-for-scan on the demo ward (target ≤ 300 ms): from
 *   the moment a fresh process is spawned to the first frame of the
 *   sign-in screen (the wedge is listening from then on). Baseline: a
 *   process that shows an empty libadwaita window, spawned the same way.
 * - scan to verdict (target ≤ 50 ms): from the last key of a bag scan
 *   (Enter, fed to the window's wedge like a scanner's) to the frame that
 *   shows the verdict. Baseline: the core alone (resolve the scan and
 *   verify, mar-verifier.h) for the same scan.
 * Both are medians over several runs; figures are printed as milliseconds
 * and as ratios to the baseline measured in the same run.
 *
 * Usage: bench-app [--runs N]   (needs a display: xvfb-run)
 *
 * Run as meson runs it (bench/meson.build): in a D-Bus session, with
 * GSK_RENDERER=cairo under Xvfb (software OpenGL is not what a terminal
 * with a GPU draws with).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "../tests/app/app-test-util.h"
#include "mar-verdict-page.h"

static gboolean painted;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static void
wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong handler;

  painted = FALSE;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* ---- Child processes: one start-up each ---- */

static void
mapped_cb (GtkWidget *window,
           gpointer   user_data)
{
  gint64 spawned = *(gint64 *) user_data;

  wait_for_paint (window);
  printf ("%.3f\n", (g_get_monotonic_time () - spawned) / 1000.0);
  fflush (stdout);
  exit (0);
}

static int
child_app (gint64      spawned,
           const char *config)
{
  g_autoptr(GError) error = NULL;
  MarApplication *app;
  MarWindow *window;
  static gint64 spawned_at;

  spawned_at = spawned;
  /* What main.c does, then what activation does. */
  app = mar_application_new ();
  if (!mar_application_open_terminal (app, config, NULL, &error) ||
      !g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  window = mar_window_new (app);
  g_signal_connect_after (window, "map", G_CALLBACK (mapped_cb), &spawned_at);
  gtk_window_present (GTK_WINDOW (window));
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static int
child_baseline (gint64 spawned)
{
  static gint64 spawned_at;
  GtkWidget *window;

  spawned_at = spawned;
  gtk_init ();
  adw_init ();
  window = adw_window_new ();
  adw_window_set_content (ADW_WINDOW (window), gtk_label_new ("Bedside MAR"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_signal_connect_after (window, "map", G_CALLBACK (mapped_cb), &spawned_at);
  gtk_window_present (GTK_WINDOW (window));
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static double
spawn_child (const char *self,
             const char *mode,
             const char *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spawned = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  spawned = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  {
    const char *argv[] = { self, mode, spawned, config, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("%s %s: %s", self, mode, error->message);
  }
  return g_ascii_strtod (out, NULL);
}

/* ---- Scan to verdict, in this process ---- */

static void
feed_scan (AppTest    *t,
           const char *text,
           gint64     *last_key_at)
{
  MarScanInput *input = mar_window_get_scan_input (t->window);
  gint64 time_us = g_get_monotonic_time ();

  for (const char *p = text; *p != '\0'; p++)
    {
      mar_scan_input_feed_key (input, gdk_unicode_to_keyval ((guchar) *p), (guchar) *p, time_us);
      time_us += 5000;
    }
  *last_key_at = g_get_monotonic_time ();
  mar_scan_input_feed_key (input, GDK_KEY_Return, 0, time_us);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AppTest) t = NULL;
  g_autoptr(GArray) startup = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) startup_base = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) verdict = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) verdict_base = g_array_new (FALSE, FALSE, sizeof (double));
  static const char * const bags[] = {
    "(01)00614141100101(17)301231(10)NS6021(21)S01",   /* S01: pass */
    "(01)00303380048045(17)301231(10)G219870(21)S31",  /* S31: stop */
  };
  int runs = 9;
  double s, sb, v, vb;

  if (argc >= 3 && g_str_equal (argv[1], "--child-app"))
    return child_app (g_ascii_strtoll (argv[2], NULL, 10), argv[3]);
  if (argc >= 3 && g_str_equal (argv[1], "--child-baseline"))
    return child_baseline (g_ascii_strtoll (argv[2], NULL, 10));
  if (argc >= 3 && g_str_equal (argv[1], "--runs"))
    runs = MAX (atoi (argv[2]), 1);

  if (!gtk_init_check ())
    {
      printf ("bench-app needs a display: run it under xvfb-run\n");
      return 0;
    }
  adw_init ();
  t = app_test_new ();

  /* Start-up: a fresh process each time, app and baseline interleaved so
   * that both see the same machine. */
  for (int i = 0; i < runs; i++)
    {
      double a = spawn_child (argv[0], "--child-app", t->config);
      double b = spawn_child (argv[0], "--child-baseline", t->config);

      g_array_append_val (startup, a);
      g_array_append_val (startup_base, b);
    }

  /* Scan to verdict. */
  app_test_sign_in (t, "N1001");
  app_test_scan (t, "74120318");
  for (int i = 0; i < runs * 4; i++)
    {
      const char *bag = bags[i % G_N_ELEMENTS (bags)];
      MarVerifier *verifier = mar_terminal_get_verifier (mar_application_get_terminal (t->app));
      MarScanResult *wristband;
      g_autoptr(MarScanResult) product = NULL;
      g_autoptr(MarVerification) verification = NULL;
      gint64 start, last_key;
      double ms;

      feed_scan (t, bag, &last_key);
      wait_for_paint (app_test_get_page (t, "verdict"));
      ms = (g_get_monotonic_time () - last_key) / 1000.0;
      g_array_append_val (verdict, ms);

      wristband = mar_verification_get_patient_scan (mar_verdict_page_get_verification (
                    MAR_VERDICT_PAGE (app_test_get_page (t, "verdict"))));
      start = g_get_monotonic_time ();
      product = mar_verifier_resolve_scan (verifier, bag, -1, MAR_SCAN_SOURCE_SCANNER,
                                           g_get_real_time () / G_USEC_PER_SEC, NULL);
      verification = mar_verifier_verify (verifier, wristband, product, g_get_real_time () / G_USEC_PER_SEC, NULL);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (verdict_base, ms);
    }

  s = median (startup);
  sb = median (startup_base);
  v = median (verdict);
  vb = median (verdict_base);
  printf ("bedside-mar on the demo ward (12 beds), %d runs, medians\n", runs);
  printf ("%-34s %10s %12s %14s %8s\n", "", "ms", "baseline ms", "ratio", "target");
  printf ("%-34s %10.1f %12.1f %13.2f× %8s\n", "start-up to ready-for-scan", s, sb, s / sb,
          s <= 300 ? "≤ 300 ✓" : "≤ 300 ✗");
  printf ("%-34s %10.1f %12.2f %13.1f× %8s\n", "scan to verdict drawn", v, vb, v / vb,
          v <= 50 ? "≤ 50 ✓" : "≤ 50 ✗");
  printf ("(baselines: an empty libadwaita window's start-up; resolve + verify in the core)\n");
  return 0;
}
